import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { newId } from '@coachline/db/ids';
import { wasProcessed } from '@coachline/db/processed-events';
import { coachingSessions, comments, conversations, deviceTokens, invitations, messages, notificationPreferences, notifications, processedEvents } from '@coachline/db/schema/index';
import type { EventEnvelope, EventType } from '@coachline/domain/events';
import { invitationTokenContext } from '@coachline/domain/sealed-contexts';
import { createLiveAdapter } from '@coachline/runtime/live-emitter';
import { Presence } from '@coachline/runtime/presence';
import { rooms, type LiveNotification } from '@coachline/domain/socket';
import { createMailer } from '@coachline/runtime/mailer';
import { createOutboundHttp } from '@coachline/runtime/outbound-http';
import { eventually } from '@coachline/testing/eventually';
import { createPushSender } from './channels/web-push';
import { notificationsDispatch, notificationsFixture } from './testing/notifications-fixture';

let fx: Awaited<ReturnType<typeof notificationsFixture>>;
let io: Server;
let ioUrl: string;
const sockets: Socket[] = [];
const adapterClients: ReturnType<typeof fx.redis.duplicate>[] = [];

beforeAll(async () => {
  fx = await notificationsFixture();
  const httpServer = http.createServer();
  io = new Server(httpServer);
  adapterClients.push(fx.redis.duplicate());
  io.adapter(createLiveAdapter(adapterClients[0]!, { maxLen: 10_000 }));
  io.on('connection', (socket) => {
    const { tenantId, userId } = socket.handshake.auth as { tenantId: string; userId: string };
    void socket.join(rooms.user(tenantId, userId));
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', () => resolve()));
  ioUrl = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await io.close();
  for (const client of adapterClients) client.disconnect();
  await fx.close();
});

const envelope = <T extends EventType>(tenantId: string, type: T, payload: Record<string, unknown>): EventEnvelope => ({ id: randomUUID(), tenantId, type, payload, occurredAt: new Date().toISOString() });

async function notificationsOf(tenantId: string, userId: string) {
  return fx.db.withTenant({ tenantId }, (tx) => tx.select().from(notifications).where(and(eq(notifications.tenantId, tenantId), eq(notifications.userId, userId))));
}

async function listen(tenantId: string, userId: string): Promise<LiveNotification[]> {
  const got: LiveNotification[] = [];
  const socket = connect(ioUrl, { auth: { tenantId, userId }, transports: ['websocket'] });
  sockets.push(socket);
  socket.on('notification:new', (n: LiveNotification) => got.push(n));
  await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
  // The join happens on the server right after connect; let it land.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return got;
}

test('post.created: in-app, live, email and push for every member but the author, exactly once however often it runs', async () => {
  const { tenantId, people } = await fx.tenant(3);
  const [author, reader, other] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
  const { spaceId, postId } = await fx.spaceWithPost(tenantId, [author.id, reader.id, other.id], author.id);
  const subscription = fx.pushService.subscription(`/push/${reader.id}`);
  await fx.db.withTenant({ tenantId }, (tx) => tx.insert(deviceTokens).values({ tenantId, id: randomUUID(), userId: reader.id, platform: 'web', address: subscription.endpoint, subscription }));
  const live = await listen(tenantId, reader.id);
  const event = envelope(tenantId, 'post.created', { postId, spaceId, authorId: author.id });

  await fx.processor.event(event);
  await fx.processor.event(event);
  await Promise.all([fx.processor.event(event), fx.processor.event(event)]);

  const [row] = await notificationsOf(tenantId, reader.id);
  expect(row).toMatchObject({ type: 'post.created', title: 'New post in Morning crew', body: 'Member 0: New PR on deadlift today!', data: { postId, spaceId, authorId: author.id } });
  expect(await notificationsOf(tenantId, reader.id)).toHaveLength(1);
  expect(await notificationsOf(tenantId, other.id)).toHaveLength(1);
  expect(await notificationsOf(tenantId, author.id)).toHaveLength(0);

  await eventually(() => (live.length ? true : undefined), 'the live notification');
  expect(live).toEqual([{ id: row!.id, type: 'post.created', title: row!.title, body: row!.body, data: row!.data }]);

  const mails = fx.smtp.to(reader.email);
  expect(mails).toHaveLength(1);
  expect(mails[0]!.raw).toMatch(/Subject: New post in Morning crew/);
  expect(mails[0]!.raw).toMatch(/Content-Type: text\/plain/);
  expect(mails[0]!.raw).toMatch(/Content-Type: text\/html/);
  expect(mails[0]!.decoded).toContain(`https://app.coachline.test/spaces/${spaceId}/posts/${postId}`);
  expect(fx.smtp.to(other.email)).toHaveLength(1);
  expect(fx.smtp.to(author.email)).toHaveLength(0);

  const pushes = fx.pushService.received.filter((r) => r.path === `/push/${reader.id}`);
  expect(pushes).toHaveLength(1);
  expect(pushes[0]!.headers['content-encoding']).toBe('aes128gcm');
  expect(String(pushes[0]!.headers.authorization)).toMatch(/^vapid t=/);
  expect(await fx.db.withTenant({ tenantId }, (tx) => wasProcessed(tx, event.id, 'notifications'))).toBe(true);
});

test('preferences switch a channel off per event type', async () => {
  const { tenantId, people } = await fx.tenant(3);
  const [author, quiet, noInbox] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
  const { spaceId, postId } = await fx.spaceWithPost(tenantId, people.map((p) => p.id), author.id);
  await fx.db.withTenant({ tenantId }, async (tx) => {
    await tx.insert(notificationPreferences).values({ tenantId, id: randomUUID(), userId: quiet.id, channels: { email: { 'post.created': false } } });
    await tx.insert(notificationPreferences).values({ tenantId, id: randomUUID(), userId: noInbox.id, channels: { inApp: { 'post.created': false }, email: { 'comment.created': false } } });
  });
  await fx.processor.event(envelope(tenantId, 'post.created', { postId, spaceId, authorId: author.id }));
  expect(await notificationsOf(tenantId, quiet.id)).toHaveLength(1);
  expect(fx.smtp.to(quiet.email)).toHaveLength(0);
  expect(await notificationsOf(tenantId, noInbox.id)).toHaveLength(0);
  expect(fx.smtp.to(noInbox.email)).toHaveLength(1);
});

test('comment.created goes to the post author and earlier commenters, never the commenter', async () => {
  const { tenantId, people } = await fx.tenant(5);
  const [author, early, commenter, later, bystander] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0], (typeof people)[0], (typeof people)[0]];
  const { postId } = await fx.spaceWithPost(tenantId, people.map((p) => p.id), author.id);
  const [c1, c2, c3] = [newId(), newId(), newId()];
  await fx.db.withTenant({ tenantId }, async (tx) => {
    await tx.insert(comments).values({ tenantId, id: c1, postId, authorId: early.id, body: 'first' });
    await tx.insert(comments).values({ tenantId, id: c2, postId, authorId: commenter.id, body: 'Nice work!' });
    await tx.insert(comments).values({ tenantId, id: c3, postId, authorId: later.id, body: 'later' });
  });
  await fx.processor.event(envelope(tenantId, 'comment.created', { commentId: c2, postId, authorId: commenter.id }));
  expect(await notificationsOf(tenantId, author.id)).toHaveLength(1);
  expect(await notificationsOf(tenantId, early.id)).toHaveLength(1);
  expect(await notificationsOf(tenantId, commenter.id)).toHaveLength(0);
  expect(await notificationsOf(tenantId, later.id)).toHaveLength(0);
  expect(await notificationsOf(tenantId, bystander.id)).toHaveLength(0);
  const [row] = await notificationsOf(tenantId, author.id);
  expect(row).toMatchObject({ type: 'comment.created', body: 'Member 2: Nice work!' });
});

test('message.created notifies the recipient only while offline', async () => {
  const { tenantId, people } = await fx.tenant(3);
  const [from, online, offline] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
  const send = async (to: string) => {
    const conversationId = randomUUID();
    const messageId = randomUUID();
    const [a, b] = [from.id, to].sort();
    await fx.db.withTenant({ tenantId }, async (tx) => {
      await tx.insert(conversations).values({ tenantId, id: conversationId, userA: a!, userB: b! });
      await tx.insert(messages).values({ tenantId, id: messageId, conversationId, fromUserId: from.id, body: 'See you at 7' });
    });
    await fx.processor.event(envelope(tenantId, 'message.created', { messageId, conversationId, fromUserId: from.id, toUserId: to }));
  };
  // Online as the realtime app records it: a live socket lease.
  await new Presence(fx.redis, 60_000).connect(tenantId, online.id, 'test-instance:socket');
  await send(online.id);
  await send(offline.id);
  expect(await notificationsOf(tenantId, online.id)).toHaveLength(0);
  expect(fx.smtp.to(online.email)).toHaveLength(0);
  const [row] = await notificationsOf(tenantId, offline.id);
  expect(row).toMatchObject({ type: 'message.created', title: 'New message from Member 0', body: 'See you at 7' });
});

test('session events notify both parties but the actor, and reminders both parties', async () => {
  const { tenantId, people } = await fx.tenant(2);
  const [coach, athlete] = people as [(typeof people)[0], (typeof people)[0]];
  const sessionId = randomUUID();
  const start = new Date(Date.now() + 26 * 3600_000);
  const end = new Date(start.getTime() + 3600_000);
  await fx.db.withTenant({ tenantId }, (tx) =>
    tx.insert(coachingSessions).values({ tenantId, id: sessionId, coachId: coach.id, athleteId: athlete.id, startsAt: start, endsAt: end, status: 'scheduled', createdBy: athlete.id }),
  );
  await fx.processor.event(envelope(tenantId, 'session.scheduled', { sessionId, coachId: coach.id, athleteId: athlete.id, start: start.toISOString(), end: end.toISOString(), actorId: athlete.id }));
  expect((await notificationsOf(tenantId, coach.id)).map((n) => n.type)).toEqual(['session.scheduled']);
  expect(await notificationsOf(tenantId, athlete.id)).toHaveLength(0);

  await fx.processor.job('session.reminder', { tenantId, sessionId, offsetMinutes: 60 });
  await fx.processor.job('session.reminder', { tenantId, sessionId, offsetMinutes: 60 });
  await fx.processor.job('session.reminder', { tenantId, sessionId, offsetMinutes: 1440 });
  for (const who of [coach, athlete]) {
    const reminders = (await notificationsOf(tenantId, who.id)).filter((n) => n.type === 'session.reminder');
    expect(reminders.map((n) => n.title).sort()).toEqual(['Session in 1 hour', 'Session in 24 hours']);
  }
});

test('invitations and sign-ups send their emails once, with the accept link', async () => {
  const { tenantId, people } = await fx.tenant(1);
  const [admin] = people as [(typeof people)[0]];
  const invitee = `invitee-${randomUUID()}@example.com`;
  const invitationId = randomUUID();
  const tokenSealed = fx.deps.secrets.seal('inv_abc.def+/=', invitationTokenContext(invitationId));
  await fx.db.withTenant({ tenantId }, (tx) =>
    tx.insert(invitations).values({ tenantId, id: invitationId, email: invitee, role: 'ATHLETE', tokenHash: randomUUID(), tokenSealed, invitedBy: admin.id, expiresAt: new Date(Date.now() + 86400_000) }),
  );
  const invitation = envelope(tenantId, 'invitation.created', { invitationId, invitedBy: admin.id });
  await fx.processor.event(invitation);
  await fx.processor.event(invitation);
  const [mail] = fx.smtp.to(invitee);
  expect(fx.smtp.to(invitee)).toHaveLength(1);
  expect(mail!.raw).toMatch(/Subject: You are invited to Iron Temple on Coachline/);
  expect(mail!.decoded).toContain('https://app.coachline.test/invitations/accept?token=inv_abc.def%2B%2F%3D');

  const signedUp = `new-${randomUUID()}@example.com`;
  await fx.processor.event(envelope(tenantId, 'user.signed_up', { userId: randomUUID(), email: signedUp, name: 'Nina' }));
  expect(fx.smtp.to(signedUp)).toHaveLength(1);
  expect(fx.smtp.to(signedUp)[0]!.raw).toMatch(/Subject: Welcome to Coachline/);
});

test('a failed email is retried alone: in-app rows are not doubled and the email arrives once', async () => {
  const { tenantId, people } = await fx.tenant(2);
  const [author, reader] = people as [(typeof people)[0], (typeof people)[0]];
  const { spaceId, postId } = await fx.spaceWithPost(tenantId, [author.id, reader.id], author.id);
  const deadMailer = createMailer({ smtpUrl: 'smtp://127.0.0.1:1', mailDir: '', from: 'x@coachline.test', timeoutMs: 1_000, logger: fx.logger });
  const broken = notificationsDispatch({ ...fx.deps, mailer: deadMailer });
  const event = envelope(tenantId, 'post.created', { postId, spaceId, authorId: author.id });
  await expect(broken.event(event)).rejects.toThrow(/deliveries failed/);
  expect(await notificationsOf(tenantId, reader.id)).toHaveLength(1);
  expect(fx.smtp.to(reader.email)).toHaveLength(0);
  await fx.processor.event(event);
  expect(await notificationsOf(tenantId, reader.id)).toHaveLength(1);
  expect(fx.smtp.to(reader.email)).toHaveLength(1);
  deadMailer.close();
});

test('a subscription the push service has forgotten (410) is removed', async () => {
  const { tenantId, people } = await fx.tenant(2);
  const [owner] = people as [(typeof people)[0]];
  const subscription = fx.pushService.subscription(`/gone/${owner.id}`);
  await fx.db.withTenant({ tenantId }, (tx) => tx.insert(deviceTokens).values({ tenantId, id: randomUUID(), userId: owner.id, platform: 'web', address: subscription.endpoint, subscription }));
  await fx.processor.event(envelope(tenantId, 'media.ready', { mediaId: randomUUID(), ownerId: owner.id }));
  expect(fx.pushService.received.filter((r) => r.path === `/gone/${owner.id}`)).toHaveLength(1);
  const left = await fx.db.withTenant({ tenantId }, (tx) => tx.select().from(deviceTokens).where(and(eq(deviceTokens.tenantId, tenantId), eq(deviceTokens.userId, owner.id))));
  expect(left).toHaveLength(0);
  expect((await notificationsOf(tenantId, owner.id)).map((n) => n.type)).toEqual(['media.ready']);
});

test('without SMTP_URL, emails are written as .eml files', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'coachline-mail-'));
  const mailer = createMailer({ mailDir: dir, from: 'Coachline <no-reply@coachline.test>', timeoutMs: 1_000, logger: fx.logger });
  await mailer.send({ to: 'someone@example.com', subject: 'Hello', text: 'plain words', html: '<p>html words</p>' });
  const [file] = await readdir(dir);
  expect(file).toMatch(/\.eml$/);
  const raw = await readFile(path.join(dir, file!), 'utf8');
  expect(raw).toMatch(/To: someone@example.com/);
  expect(raw).toContain('plain words');
  expect(raw).toContain('html words');
});

test('events that wait for a busy worker are prepared together, and a bad one among them fails alone', async () => {
  const batching = notificationsDispatch({ ...fx.deps, batchesInFlight: 1 });
  const { tenantId, people } = await fx.tenant(3);
  const [author, reader, other] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
  const posts = await Promise.all([0, 1, 2].map(() => fx.spaceWithPost(tenantId, [author.id, reader.id, other.id], author.id)));
  const postEvents = posts.map(({ spaceId, postId }) => envelope(tenantId, 'post.created', { postId, spaceId, authorId: author.id }));
  const media = envelope(tenantId, 'media.ready', { mediaId: randomUUID(), ownerId: author.id });
  const live = await listen(tenantId, reader.id);
  const blocker = await fx.tenant(1);
  const processedAt = (eventId: string) =>
    fx.db.withTenant({ tenantId }, async (tx) => (await tx.select().from(processedEvents).where(and(eq(processedEvents.tenantId, tenantId), eq(processedEvents.eventId, eventId))))[0]?.processedAt);

  // The blocker takes the only slot; the others queue behind it and form one batch.
  await Promise.all([batching.event(envelope(blocker.tenantId, 'media.ready', { mediaId: randomUUID(), ownerId: blocker.people[0]!.id })), ...[...postEvents, media].map((e) => batching.event(e))]);
  const stamps = await Promise.all([...postEvents, media].map((e) => processedAt(e.id)));
  expect(new Set(stamps.map((s) => s?.toISOString())).size).toBe(1);
  for (const person of [reader, other]) expect((await notificationsOf(tenantId, person.id)).map((n) => n.data.postId).sort()).toEqual(posts.map((p) => p.postId).sort());
  expect((await notificationsOf(tenantId, author.id)).map((n) => n.type)).toEqual(['media.ready']);
  await eventually(() => (live.length === 3 ? true : undefined), 'three live notifications');
  expect(fx.smtp.to(reader.email)).toHaveLength(3);

  // Replays in a batch with a poison event: the poison fails, the replays change nothing.
  const poison = envelope(tenantId, 'post.created', { postId: 'not-a-post', spaceId: posts[0]!.spaceId, authorId: author.id });
  const results = await Promise.allSettled([batching.event(envelope(blocker.tenantId, 'media.ready', { mediaId: randomUUID(), ownerId: blocker.people[0]!.id })), ...[poison, ...postEvents, media].map((e) => batching.event(e))]);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
  for (const person of [reader, other]) expect(await notificationsOf(tenantId, person.id)).toHaveLength(3);
  expect(fx.smtp.to(reader.email)).toHaveLength(3);
  expect(live).toHaveLength(3);
});

/** A local push receiver that answers every request with `status`, and counts what reaches it. */
async function startReceiver(status: number) {
  let connections = 0;
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    req.resume();
    req.on('end', () => res.writeHead(status).end());
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    paths,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function addDevice(tenantId: string, userId: string, endpoint: string) {
  const subscription = { ...fx.pushService.subscription('/x'), endpoint };
  const id = randomUUID();
  await fx.db.withTenant({ tenantId }, (tx) => tx.insert(deviceTokens).values({ tenantId, id, userId, platform: 'web', address: endpoint, subscription }));
  return id;
}

test('outside development, a push to a loopback endpoint, literal or by a name that resolves there, never reaches it', async () => {
  const internal = await startReceiver(201);
  const { tenantId, people } = await fx.tenant(1);
  const [owner] = people as [(typeof people)[0]];
  await addDevice(tenantId, owner.id, `http://127.0.0.1:${internal.port}/fail`);
  await addDevice(tenantId, owner.id, `https://push.rebound.test:${internal.port}/fail`);
  const good = fx.pushService.subscription(`/push/${owner.id}`);
  await addDevice(tenantId, owner.id, good.endpoint);
  // A resolver as hostile DNS answers: the name points at loopback when the request is made.
  const lookup = ((_host: string, _options: unknown, callback: (e: null, a: { address: string; family: number }[]) => void) => callback(null, [{ address: '127.0.0.1', family: 4 }])) as unknown as LookupFunction;
  const production = createPushSender({ vapid: fx.vapid, outbound: createOutboundHttp({ allowLoopback: false, timeoutMs: 2_000, maxResponseBytes: 1024, lookup }), timeoutMs: 2_000, logger: fx.logger });
  const worker = notificationsDispatch({ ...fx.deps, push: production });
  await worker.event(envelope(tenantId, 'media.ready', { mediaId: randomUUID(), ownerId: owner.id }));
  expect(internal.connections()).toBe(0);
  expect(internal.paths).toEqual([]);
  expect((await notificationsOf(tenantId, owner.id)).map((n) => n.type)).toEqual(['media.ready']);
  await internal.close();
});

test("one tenant's failing push endpoint neither delays another tenant's push nor fails its own job; the user's other devices still get theirs", async () => {
  const dead = await startReceiver(500);
  const a = await fx.tenant(1);
  const b = await fx.tenant(1);
  const [ownerA] = a.people as [(typeof a.people)[0]];
  const [ownerB] = b.people as [(typeof b.people)[0]];
  await addDevice(a.tenantId, ownerA.id, `http://127.0.0.1:${dead.port}/dead/${ownerA.id}`);
  const aliveA = fx.pushService.subscription(`/push/${ownerA.id}`);
  await addDevice(a.tenantId, ownerA.id, aliveA.endpoint);
  // Enough failures to open the dead destination's breaker; every job still completes.
  for (let i = 0; i < 4; i++) await fx.processor.event(envelope(a.tenantId, 'media.ready', { mediaId: randomUUID(), ownerId: ownerA.id }));
  expect(dead.paths.length).toBeGreaterThanOrEqual(5);
  expect(fx.pushService.received.filter((r) => r.path === `/push/${ownerA.id}`)).toHaveLength(4);

  const subscriptionB = fx.pushService.subscription(`/push/${ownerB.id}`);
  await addDevice(b.tenantId, ownerB.id, subscriptionB.endpoint);
  const started = Date.now();
  await fx.processor.event(envelope(b.tenantId, 'media.ready', { mediaId: randomUUID(), ownerId: ownerB.id }));
  expect(Date.now() - started).toBeLessThan(2_000);
  expect(fx.pushService.received.filter((r) => r.path === `/push/${ownerB.id}`)).toHaveLength(1);
  // With the dead destination's breaker open, its pushes are skipped, not the job.
  await fx.processor.event(envelope(a.tenantId, 'media.ready', { mediaId: randomUUID(), ownerId: ownerA.id }));
  expect(fx.pushService.received.filter((r) => r.path === `/push/${ownerA.id}`)).toHaveLength(5);
  await dead.close();
});

test('30 messages to an offline coach: 30 in-app notifications, at most N emails and one digest; the tenant cap holds the rest', async () => {
  const { tenantId, people } = await fx.tenant(3);
  const [athlete, coach, other] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
  const limited = notificationsDispatch({ ...fx.deps, emailLimits: { perRecipient: 5, windowSeconds: 3600, perTenantPerHour: 8 } });
  const conversationIds = new Map<string, string>();
  const send = async (from: string, to: string) => {
    const messageId = randomUUID();
    const [a, b] = [from, to].sort();
    const conversationId = conversationIds.get(to) ?? randomUUID();
    await fx.db.withTenant({ tenantId }, async (tx) => {
      if (!conversationIds.has(to)) await tx.insert(conversations).values({ tenantId, id: conversationId, userA: a!, userB: b! });
      await tx.insert(messages).values({ tenantId, id: messageId, conversationId, fromUserId: from, body: 'Quick question' });
    });
    conversationIds.set(to, conversationId);
    await limited.event(envelope(tenantId, 'message.created', { messageId, conversationId, fromUserId: from, toUserId: to }));
  };
  for (let i = 0; i < 30; i++) await send(athlete.id, coach.id);
  expect(await notificationsOf(tenantId, coach.id)).toHaveLength(30);
  const mails = fx.smtp.to(coach.email);
  expect(mails).toHaveLength(6);
  expect(mails.filter((m) => /Subject: More new activity in Coachline/.test(m.raw))).toHaveLength(1);
  // The tenant's hourly cap (8) leaves two emails for everyone else.
  for (let i = 0; i < 4; i++) await send(athlete.id, other.id);
  expect(await notificationsOf(tenantId, other.id)).toHaveLength(4);
  expect(fx.smtp.to(other.email)).toHaveLength(2);
});
