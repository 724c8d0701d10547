import { defineConfig } from 'tsup';

/**
 * ES modules with declarations for browsers, React Native and Node alike:
 * `platform: 'neutral'` keeps Node's modules out, and openapi-fetch and
 * socket.io-client are left as the dependencies the consumer installs.
 */
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  platform: 'neutral',
  target: 'es2022',
  // tsup's declaration build sets baseUrl, which TypeScript 6 deprecates.
  dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
  clean: true,
  sourcemap: true,
  external: ['openapi-fetch', 'socket.io-client'],
});
