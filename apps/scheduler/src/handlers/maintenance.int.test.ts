import { randomBytes } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { createDatabase } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import { auditEvents, auditEventsArchive, idempotencyKeys, integrationConnections, integrationOauthStates, integrationPushEvents, mediaAssets, outboxEvents, passwordResets, refreshTokens } from '@coachline/db/schema/index';
import { createLogger } from '@coachline/runtime/logger';
import { createRedis } from '@coachline/runtime/redis';
import { createStorage, NoSuchUploadError } from '@coachline/runtime/storage';
import { createScheduler } from '../scheduler';
import { obliterateQueues, tenantFixture, testConfig } from '../testing/fixtures';
import { archiveAuditEvents } from './archive-audit-events.handler';
import { PUBLISHED_EVENT_RETENTION_DAYS, PUSH_EVENT_RETENTION_DAYS, purgeExpired } from './purge-expired.handler';

const config = testConfig({ PURGE_EXPIRED_CRON: '5 4 * * *', ARCHIVE_AUDIT_EVENTS_CRON: '10 4 * * *', WEEKLY_PROGRESS_EMAIL_CRON: '0 7 * * 1' });
const db = createDatabase({ url: config.DATABASE_URL, systemUrl: config.DATABASE_SYSTEM_URL, poolSize: 4 });
const redis = createRedis(config.REDIS_URL);
const logger = createLogger('scheduler-test', 'silent');
const DAY = 86_400_000;

afterAll(async () => {
  await obliterateQueues(redis, config.QUEUE_PREFIX);
  await redis.quit();
  await db.close();
});

test('purge-expired deletes expired idempotency keys, refresh tokens and password resets and keeps live ones', async () => {
  const { tenantId, athletes } = await tenantFixture(db, 1);
  const userId = athletes[0]!.id;
  const now = Date.now();
  const key = (expiresAt: number) => ({ tenantId, id: newId(), userId, key: randomBytes(8).toString('hex'), requestHash: 'h', status: 'completed' as const, expiresAt: new Date(expiresAt) });
  const token = (expiresAt: number) => ({ tenantId, id: newId(), userId, familyId: newId(), tokenHash: randomBytes(16).toString('hex'), expiresAt: new Date(expiresAt) });
  const reset = (expiresAt: number) => ({ tenantId, id: newId(), userId, tokenHash: randomBytes(16).toString('hex'), tokenSealed: 'sealed', expiresAt: new Date(expiresAt) });
  const keys = [key(now - DAY), key(now - 1000), key(now + DAY)];
  const tokens = [token(now - 7 * DAY), token(now + DAY)];
  const resets = [reset(now - 1000), reset(now + 3_600_000)];
  await db.withTenant({ tenantId }, async (tx) => {
    await tx.insert(idempotencyKeys).values(keys);
    await tx.insert(refreshTokens).values(tokens);
    await tx.insert(passwordResets).values(resets);
  });

  const result = await purgeExpired(db);
  expect(result.idempotencyKeys).toBeGreaterThanOrEqual(2);
  expect(result.refreshTokens).toBeGreaterThanOrEqual(1);
  expect(result.passwordResets).toBeGreaterThanOrEqual(1);
  const left = await db.withTenant({ tenantId }, async (tx) => ({
    keys: (await tx.select({ id: idempotencyKeys.id }).from(idempotencyKeys).where(eq(idempotencyKeys.tenantId, tenantId))).map((r) => r.id),
    tokens: (await tx.select({ id: refreshTokens.id }).from(refreshTokens).where(eq(refreshTokens.tenantId, tenantId))).map((r) => r.id),
    resets: (await tx.select({ id: passwordResets.id }).from(passwordResets).where(eq(passwordResets.tenantId, tenantId))).map((r) => r.id),
  }));
  expect(left).toEqual({ keys: [keys[2]!.id], tokens: [tokens[1]!.id], resets: [resets[1]!.id] });
});

test('purge-expired deletes expired OAuth states and provider push records past their retention, keeping live ones', async () => {
  const { tenantId, athletes } = await tenantFixture(db, 1);
  const userId = athletes[0]!.id;
  const now = Date.now();
  const connectionId = newId();
  const state = (expiresAt: number) => ({ tenantId, id: newId(), userId, provider: 'strava', stateHash: randomBytes(16).toString('base64url'), expiresAt: new Date(expiresAt) });
  const push = (ageDays: number) => ({ tenantId, id: newId(), connectionId, eventKey: randomBytes(8).toString('hex'), eventTime: new Date(now - ageDays * DAY), receivedAt: new Date(now - ageDays * DAY) });
  const states = [state(now - 1000), state(now + 600_000)];
  const pushes = [push(PUSH_EVENT_RETENTION_DAYS + 1), push(PUSH_EVENT_RETENTION_DAYS - 1)];
  await db.withTenant({ tenantId }, async (tx) => {
    await tx.insert(integrationConnections).values({ tenantId, id: connectionId, userId, provider: 'strava', providerAccountId: randomBytes(4).toString('hex'), status: 'active' });
    await tx.insert(integrationOauthStates).values(states);
    await tx.insert(integrationPushEvents).values(pushes);
  });

  const result = await purgeExpired(db);
  expect(result.oauthStates).toBeGreaterThanOrEqual(1);
  expect(result.pushEvents).toBeGreaterThanOrEqual(1);
  const left = await db.withTenant({ tenantId }, async (tx) => ({
    states: (await tx.select({ id: integrationOauthStates.id }).from(integrationOauthStates).where(eq(integrationOauthStates.tenantId, tenantId))).map((r) => r.id),
    pushes: (await tx.select({ id: integrationPushEvents.id }).from(integrationPushEvents).where(eq(integrationPushEvents.tenantId, tenantId))).map((r) => r.id),
  }));
  expect(left).toEqual({ states: [states[1]!.id], pushes: [pushes[1]!.id] });
});

test('purge-expired deletes published outbox events past their retention, never unpublished ones', async () => {
  const { tenantId } = await tenantFixture(db, 1);
  const now = Date.now();
  const event = (ageDays: number, published: boolean) => ({
    tenantId,
    id: newId(),
    type: 'post.created',
    payload: { ageDays },
    createdAt: new Date(now - ageDays * DAY),
    publishedAt: published ? new Date(now - ageDays * DAY + 1000) : null,
  });
  const events = [event(PUBLISHED_EVENT_RETENTION_DAYS + 1, true), event(PUBLISHED_EVENT_RETENTION_DAYS + 1, false), event(PUBLISHED_EVENT_RETENTION_DAYS - 1, true)];
  // Published rows are the relay's, which works as the system role.
  await db.withSystem((tx) => tx.insert(outboxEvents).values(events));

  expect((await purgeExpired(db)).publishedEvents).toBeGreaterThanOrEqual(1);
  const left = await db.withSystem(async (tx) =>
    (await tx.select({ id: outboxEvents.id }).from(outboxEvents).where(inArray(outboxEvents.id, events.map((e) => e.id)))).map((r) => r.id).sort(),
  );
  expect(left).toEqual([events[1]!.id, events[2]!.id].sort());
});

test('archive-audit-events moves events older than the retention to the archive, once', async () => {
  const { tenantId } = await tenantFixture(db, 1);
  const event = (ageDays: number) => ({ tenantId, id: newId(), actorId: null, action: `test.${ageDays}`, entityType: 'test', entityId: null, summary: { ageDays }, at: new Date(Date.now() - ageDays * DAY) });
  const events = [event(400), event(91), event(89), event(1)];
  await db.withTenant({ tenantId }, (tx) => tx.insert(auditEvents).values(events));

  expect((await archiveAuditEvents(db, 90)).archived).toBeGreaterThanOrEqual(2);
  expect((await archiveAuditEvents(db, 90)).archived).toBe(0);
  const ids = events.map((e) => e.id);
  const { live, archived } = await db.withTenant({ tenantId }, async (tx) => ({
    live: await tx.select().from(auditEvents).where(and(eq(auditEvents.tenantId, tenantId), inArray(auditEvents.id, ids))),
    archived: await tx.select().from(auditEventsArchive).where(and(eq(auditEventsArchive.tenantId, tenantId), inArray(auditEventsArchive.id, ids))),
  }));
  expect(live.map((e) => e.action).sort()).toEqual(['test.1', 'test.89']);
  expect(archived.map((e) => e.action).sort()).toEqual(['test.400', 'test.91']);
  const old = archived.find((e) => e.action === 'test.400')!;
  expect(old).toMatchObject({ id: events[0]!.id, entityType: 'test', summary: { ageDays: 400 }, at: events[0]!.at });
});

test('two scheduler processes upsert one job scheduler per recurring job, and the worker runs them', async () => {
  const storage = createStorage(config);
  const first = createScheduler({ config, db, redis, logger, storage });
  const second = createScheduler({ config, db, redis, logger, storage });
  try {
    await Promise.all([first.start(), second.start()]);
    const schedulers = await first.maintenance.queue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.pattern, s.tz]).sort()).toEqual([
      ['abort-abandoned-uploads', '*/10 * * * *', 'UTC'],
      ['archive-audit-events', '10 4 * * *', 'UTC'],
      ['dunning-reminders', '0 * * * *', 'UTC'],
      ['purge-expired', '5 4 * * *', 'UTC'],
      ['triage-summary-email', '5 7 * * 1', 'UTC'],
      ['triage-sweep', '23 * * * *', 'UTC'],
      ['weekly-progress-email', '0 7 * * 1', 'UTC'],
    ]);
    // One pending job per scheduler, not one per process.
    const delayed = await first.maintenance.queue.getDelayed();
    expect(delayed.map((j) => j.name).sort()).toEqual(['abort-abandoned-uploads', 'archive-audit-events', 'dunning-reminders', 'purge-expired', 'triage-summary-email', 'triage-sweep', 'weekly-progress-email']);

    const purge = await first.maintenance.add('purge-expired', {});
    const abort = await first.maintenance.add('abort-abandoned-uploads', {}, { attempts: 1 });
    const deadline = Date.now() + 20_000;
    let states: string[] = [];
    while (Date.now() < deadline) {
      states = await Promise.all([purge.getState(), abort.getState()]);
      if (states.every((state) => state === 'completed' || state === 'failed')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(states).toEqual(['completed', 'completed']);
    expect((await first.maintenance.queue.getJob(purge.id!))?.returnvalue).toMatchObject({ idempotencyKeys: expect.any(Number), refreshTokens: expect.any(Number), publishedEvents: expect.any(Number) });
    expect((await first.maintenance.queue.getJob(abort.id!))?.returnvalue).toEqual({ aborted: expect.any(Number) });
  } finally {
    await first.close();
    await second.close();
    storage.close();
  }
});

test('the abandoned-uploads job, as configured by default, aborts an upload left pending for three hours and releases its reservation', async () => {
  const storage = createStorage(config);
  const scheduler = createScheduler({ config, db, redis, logger, storage });
  try {
    await storage.ensureBucket();
    const { tenantId, athletes } = await tenantFixture(db, 1);
    const id = newId();
    const storageKey = `${tenantId}/${id}/original`;
    const uploadId = await storage.createMultipartUpload(storageKey, 'video/mp4');
    const row = { tenantId, id, ownerId: athletes[0]!.id, kind: 'video' as const, filename: 'late.mp4', declaredContentType: 'video/mp4', sizeBytes: 1000, storageKey, uploadId, partSize: 1000, status: 'pending' as const };
    await db.withTenant({ tenantId }, (tx) => tx.insert(mediaAssets).values({ ...row, createdAt: new Date(Date.now() - 3 * 3600_000) }));
    await scheduler.start();
    const job = await scheduler.maintenance.add('abort-abandoned-uploads', {}, { attempts: 1 });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !['completed', 'failed'].includes(await job.getState())) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await job.getState()).toBe('completed');
    const [asset] = await db.withTenant({ tenantId }, (tx) => tx.select().from(mediaAssets).where(and(eq(mediaAssets.tenantId, tenantId), eq(mediaAssets.id, id))));
    expect(asset).toMatchObject({ status: 'failed', failureReason: expect.stringMatching(/abandoned/) });
    await expect(storage.listParts(storageKey, uploadId)).rejects.toBeInstanceOf(NoSuchUploadError);
  } finally {
    await scheduler.close();
    storage.close();
  }
});
