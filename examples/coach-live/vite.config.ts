import { defineConfig } from 'vite';

/**
 * The page talks to its own origin: Vite forwards the API's `/v1` to the
 * gateway and `/socket.io` (WebSockets included) to realtime, so the browser
 * needs no CORS and the page no URLs. `pnpm dev` runs both on their default
 * ports; COACHLINE_API_URL and COACHLINE_REALTIME_URL point elsewhere (the
 * browser test points them at its own servers).
 */
const api = process.env.COACHLINE_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const realtime = process.env.COACHLINE_REALTIME_URL ?? `http://127.0.0.1:${process.env.REALTIME_PORT ?? 3001}`;
const proxy = {
  '/v1': { target: api, changeOrigin: true },
  '/socket.io': { target: realtime, changeOrigin: true, ws: true },
};

export default defineConfig({
  server: { port: Number(process.env.COACH_LIVE_PORT ?? 5173), strictPort: true, proxy },
  preview: { port: Number(process.env.COACH_LIVE_PORT ?? 4173), strictPort: true, proxy },
});
