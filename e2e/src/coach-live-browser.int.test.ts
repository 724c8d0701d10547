import { existsSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createHttpServer } from '@coachline/api-gateway/http/server';
import type { Gateway, TestUser } from '@coachline/api-gateway/testing/gateway-harness';
import { COACH_LIVE_DIR, serveCoachLive } from './testing/coach-live-page';
import { startEventStack, type EventStack } from './testing/event-stack';
import { startLiveRealtime, type LiveRealtime } from './testing/live-realtime';

/**
 * The coach's live view (examples/coach-live) in headless Chromium against the
 * real gateway, outbox relay, notifications worker (which announces
 * `workout:started`) and realtime: the coach signs in through the page, an athlete
 * logs a set over the API, and the set appears on the page with the workout's
 * progress and the record it set. Debian's chromium (`pnpm test` installs it
 * when it may); playwright-core drives it without a browser download of its own.
 */
const SCREENSHOT = path.join(COACH_LIVE_DIR, 'screenshot.png');
let stack: EventStack;
let gw: Gateway;
let server: Server;
let realtime: LiveRealtime;
let page: Awaited<ReturnType<typeof serveCoachLive>>;
let browser: Browser;

beforeAll(async () => {
  stack = await startEventStack();
  stack.relay().start();
  stack.worker();
  gw = stack.gw;
  server = createHttpServer(gw.app).listen(0);
  realtime = await startLiveRealtime(gw);
  page = await serveCoachLive(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, realtime.url);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-dev-shm-usage'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await page?.close();
  await realtime?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await stack?.close();
});

async function exerciseId(user: TestUser, name: string): Promise<string> {
  return (await gw.http().get('/v1/exercises').query({ q: name }).set(gw.auth(user))).body.items[0].id as string;
}

async function startAssignedWorkout(coach: TestUser, athlete: TestUser, name: string, exercise: string) {
  const program = await gw
    .http()
    .post('/v1/programs')
    .set(gw.auth(coach))
    .send({ name, days: [{ name: 'Day A', exercises: [{ exerciseId: exercise, sets: [{ reps: 5, weightKg: 100 }, { reps: 5, weightKg: 100 }, { reps: 5, weightKg: 100 }] }] }] });
  expect(program.status).toBe(201);
  const assigned = await gw.http().post(`/v1/programs/${program.body.id}/assignments`).set(gw.auth(coach)).send({ athleteId: athlete.id, startDate: new Date().toISOString().slice(0, 10) });
  expect(assigned.status).toBe(201);
  const workout = await gw.http().post('/v1/workouts').set(gw.auth(athlete)).send({ programId: program.body.id, dayIndex: 0, title: name });
  expect(workout.status).toBe(201);
  return workout.body as { id: string; plannedSets: { id: string }[] };
}

test('a coach signs in on the page and sees an athlete’s set arrive live, with progress and the record it set', async () => {
  const { coach, athlete, athlete2 } = await stack.team();
  const squat = await exerciseId(coach, 'Back Squat');
  const bench = await exerciseId(coach, 'Bench Press');
  // A workout already under way when the coach opens the page: it is listed at sign-in.
  const earlier = await startAssignedWorkout(coach, athlete2, 'Upper body', bench);
  expect((await gw.http().post(`/v1/workouts/${earlier.id}/sets`).set(gw.auth(athlete2)).send({ exerciseId: bench, reps: 5, weightKg: 100, rpe: 8, plannedSetId: earlier.plannedSets[0]!.id })).status).toBe(201);

  const tab = await browser.newPage({ viewport: { width: 1200, height: 720 } });
  const browserErrors: string[] = [];
  tab.on('pageerror', (error) => browserErrors.push(error.message));
  await tab.goto(page.url);
  await tab.fill('input[name=email]', coach.email);
  await tab.fill('input[name=password]', coach.password);
  await tab.click('button[type=submit]');
  await tab.waitForSelector('#status[data-state="live"]', { timeout: 30_000 });
  await tab.waitForSelector(`[data-workout-id="${earlier.id}"][data-following="true"] [data-set-id]`, { timeout: 30_000 });

  // The athlete starts a workout: the coach hears workout:started, joins its room and shows it.
  const workout = await startAssignedWorkout(coach, athlete, 'Leg day', squat);
  const card = `[data-workout-id="${workout.id}"]`;
  await tab.waitForSelector(`${card}[data-following="true"]`, { timeout: 30_000 });
  expect(await tab.textContent(`${card} .progress`)).toBe('0/3 planned sets · 0%');

  // The moment the set's row appears, by the page's own clock (one machine, one clock), heard by a MutationObserver
  // installed before the set is sent rather than by polling.
  await tab.evaluate((selector) => {
    const page = globalThis as any;
    page.setShownAt = new Promise<number>((resolve) => {
      const observer = new page.MutationObserver(() => {
        if (!page.document.querySelector(selector)) return;
        observer.disconnect();
        resolve(Date.now());
      });
      observer.observe(page.document.body, { childList: true, subtree: true });
    });
  }, `${card} [data-set-id]`);
  const sentAt = Date.now();
  const logged = await gw.http().post(`/v1/workouts/${workout.id}/sets`).set(gw.auth(athlete)).send({ exerciseId: squat, reps: 5, weightKg: 120, plannedSetId: workout.plannedSets[0]!.id });
  expect(logged.status).toBe(201);
  const latencyMs = (await tab.evaluate(() => (globalThis as any).setShownAt as Promise<number>)) - sentAt;
  process.stdout.write(`[coach-live] the set appeared on the coach's page ${latencyMs} ms after the athlete's POST was sent\n`);

  const row = `${card} [data-set-id="${logged.body.set.id}"]`;
  expect(await tab.textContent(row)).toContain('Back Squat 5 × 120 kg');
  expect(await tab.textContent(`${row} .pr`)).toBe('PR · estimated 1RM');
  expect(await tab.textContent(`${card} .progress`)).toBe('1/3 planned sets · 33%');
  expect(await tab.getAttribute(`${card} [role=progressbar]`, 'aria-valuenow')).toBe('33');
  expect(await tab.textContent(`#records [data-record-set-id="${logged.body.set.id}"]`)).toBe(`${athlete.name} Back Squat: estimated 1RM 140 kg`);
  expect(browserErrors).toEqual([]);

  const png = await tab.screenshot({ fullPage: true });
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  // The README's picture: written when missing or asked for, so a test run leaves the work tree as it was.
  if (!existsSync(SCREENSHOT) || process.env.COACHLINE_UPDATE_SCREENSHOTS === '1') writeFileSync(SCREENSHOT, png);
  await tab.close();
}, 120_000);
