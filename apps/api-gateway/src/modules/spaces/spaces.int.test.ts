import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { mediaAssets, outboxEvents } from '@coachline/db/schema/index';
import { startGateway, type Gateway, type TestUser } from '../../testing/gateway-harness';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

async function outbox(tenantId: string, type: string) {
  return gw.deps.db.withTenant({ tenantId }, (tx) => tx.select().from(outboxEvents).where(and(eq(outboxEvents.tenantId, tenantId), eq(outboxEvents.type, type))));
}

async function spaceOf(owner: TestUser, members: TestUser[] = []) {
  const res = await gw.http().post('/v1/spaces').set(gw.auth(owner)).send({ name: 'Morning crew', description: 'Early lifters' });
  expect(res.status).toBe(201);
  for (const m of members) expect((await gw.http().post(`/v1/spaces/${res.body.id}/members`).set(gw.auth(owner)).send({ userId: m.id })).status).toBe(201);
  return res.body.id as string;
}

test('a coach creates a space and is its first member; athletes may not create spaces', async () => {
  const { coach, athlete } = await gw.tenantWithTeam();
  const res = await gw.http().post('/v1/spaces').set(gw.auth(coach)).send({ name: 'Morning crew' });
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ id: expect.any(String), name: 'Morning crew', description: null, createdBy: coach.id });
  const mine = await gw.http().get('/v1/spaces').set(gw.auth(coach));
  expect(mine.body.items.map((s: { id: string }) => s.id)).toContain(res.body.id);
  expect((await gw.http().post('/v1/spaces').set(gw.auth(athlete)).send({ name: 'Mine' })).status).toBe(403);
  expect((await gw.http().post('/v1/spaces').set(gw.auth(coach)).send({ name: '' })).status).toBe(422);
  expect((await gw.http().post('/v1/spaces').set(gw.auth(coach)).send({ name: 'x', tenantId: randomUUID() })).status).toBe(422);
});

test('adding members: 201, then 409 for a repeat, 422 for someone outside the organization, 404 for another tenant', async () => {
  const { coach, athlete } = await gw.tenantWithTeam();
  const spaceId = await spaceOf(coach);
  const added = await gw.http().post(`/v1/spaces/${spaceId}/members`).set(gw.auth(coach)).send({ userId: athlete.id });
  expect(added.status).toBe(201);
  expect(added.body).toMatchObject({ spaceId, userId: athlete.id, joinedAt: expect.any(String) });
  expect((await gw.http().post(`/v1/spaces/${spaceId}/members`).set(gw.auth(coach)).send({ userId: athlete.id })).status).toBe(409);
  const outsider = await gw.http().post(`/v1/spaces/${spaceId}/members`).set(gw.auth(coach)).send({ userId: randomUUID() });
  expect(outsider.status).toBe(422);
  expect(outsider.body.errors[0].path).toBe('userId');
  const other = await gw.tenantWithTeam();
  expect((await gw.http().post(`/v1/spaces/${spaceId}/members`).set(gw.auth(other.coach)).send({ userId: other.athlete.id })).status).toBe(404);
  expect((await gw.http().post(`/v1/spaces/${randomUUID()}/members`).set(gw.auth(coach)).send({ nonsense: true })).status).toBe(404);
});

test('members post and read; a post emits post.created in the same transaction; others get 404', async () => {
  const { coach, athlete, athlete2 } = await gw.tenantWithTeam();
  const spaceId = await spaceOf(coach, [athlete]);
  const posted = await gw.http().post(`/v1/spaces/${spaceId}/posts`).set(gw.auth(athlete)).send({ body: 'Squat day!' });
  expect(posted.status).toBe(201);
  expect(posted.body).toMatchObject({ id: expect.any(String), spaceId, authorId: athlete.id, body: 'Squat day!', mediaIds: [] });
  const [event] = await outbox(athlete.tenantId, 'post.created');
  expect(event?.payload).toEqual({ postId: posted.body.id, spaceId, authorId: athlete.id });
  expect(event?.requestId).toBe(posted.headers['x-request-id']);

  const list = await gw.http().get(`/v1/spaces/${spaceId}/posts`).set(gw.auth(coach));
  expect(list.status).toBe(200);
  expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([posted.body.id]);

  // Not a member of the space: it does not exist for them, even with a bad body.
  expect((await gw.http().get(`/v1/spaces/${spaceId}/posts`).set(gw.auth(athlete2))).status).toBe(404);
  expect((await gw.http().post(`/v1/spaces/${spaceId}/posts`).set(gw.auth(athlete2)).send({})).status).toBe(404);
  const stranger = await gw.signup();
  expect((await gw.http().get(`/v1/spaces/${spaceId}/posts`).set(gw.auth(stranger))).status).toBe(404);
});

test('post validation: bounded body, strict fields, known media only', async () => {
  const { coach } = await gw.tenantWithTeam();
  const spaceId = await spaceOf(coach);
  expect((await gw.http().post(`/v1/spaces/${spaceId}/posts`).set(gw.auth(coach)).send({ body: 'x'.repeat(10_001) })).status).toBe(422);
  expect((await gw.http().post(`/v1/spaces/${spaceId}/posts`).set(gw.auth(coach)).send({ body: 'hi', authorId: randomUUID() })).status).toBe(422);
  const media = await gw.http().post(`/v1/spaces/${spaceId}/posts`).set(gw.auth(coach)).send({ body: 'hi', mediaIds: [randomUUID()] });
  expect(media.status).toBe(422);
  expect(media.body.errors[0].path).toBe('mediaIds.0');
  expect(await outbox(coach.tenantId, 'post.created')).toHaveLength(0);
});

test('only finalized media of the tenant can be attached to a post', async () => {
  const { coach } = await gw.tenantWithTeam();
  const spaceId = await spaceOf(coach);
  const intent = await gw.http().post('/v1/media/upload-intent').set(gw.auth(coach)).send({ filename: 'squat.jpg', contentType: 'image/jpeg', sizeBytes: 1024, kind: 'image' });
  expect(intent.status).toBe(201);
  const pending = await gw.http().post(`/v1/spaces/${spaceId}/posts`).set(gw.auth(coach)).send({ body: 'form check', mediaIds: [intent.body.mediaId] });
  expect(pending.status).toBe(422);
  await gw.deps.db.withTenant({ tenantId: coach.tenantId }, (tx) => tx.update(mediaAssets).set({ status: 'processing' }).where(and(eq(mediaAssets.tenantId, coach.tenantId), eq(mediaAssets.id, intent.body.mediaId))));
  const attached = await gw.http().post(`/v1/spaces/${spaceId}/posts`).set(gw.auth(coach)).send({ body: 'form check', mediaIds: [intent.body.mediaId] });
  expect(attached.status).toBe(201);
  expect(attached.body.mediaIds).toEqual([intent.body.mediaId]);
  const other = await gw.signup();
  const otherSpace = await spaceOf(other);
  const foreign = await gw.http().post(`/v1/spaces/${otherSpace}/posts`).set(gw.auth(other)).send({ body: 'stolen', mediaIds: [intent.body.mediaId] });
  expect(foreign.status).toBe(422);
});

test('posts page newest first with a cursor', async () => {
  const { coach } = await gw.tenantWithTeam();
  const spaceId = await spaceOf(coach);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await gw.http().post(`/v1/spaces/${spaceId}/posts`).set(gw.auth(coach)).send({ body: `post ${i}` })).body.id);
  const first = await gw.http().get(`/v1/spaces/${spaceId}/posts?limit=2`).set(gw.auth(coach));
  expect(first.body.items.map((p: { id: string }) => p.id)).toEqual([ids[2], ids[1]]);
  const second = await gw.http().get(`/v1/spaces/${spaceId}/posts?limit=2&cursor=${first.body.nextCursor}`).set(gw.auth(coach));
  expect(second.body).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextCursor: null });
  expect((await gw.http().get(`/v1/spaces/${spaceId}/posts?limit=0`).set(gw.auth(coach))).status).toBe(422);
  expect((await gw.http().get(`/v1/spaces/${spaceId}/posts?cursor=nope`).set(gw.auth(coach))).status).toBe(422);
});

test('members comment on posts, emitting comment.created; non-members and other tenants get 404', async () => {
  const { coach, athlete, athlete2 } = await gw.tenantWithTeam();
  const spaceId = await spaceOf(coach, [athlete]);
  const post = await gw.http().post(`/v1/spaces/${spaceId}/posts`).set(gw.auth(coach)).send({ body: 'Deload week' });
  const comment = await gw.http().post(`/v1/posts/${post.body.id}/comments`).set(gw.auth(athlete)).send({ body: 'Finally!' });
  expect(comment.status).toBe(201);
  expect(comment.body).toMatchObject({ id: expect.any(String), postId: post.body.id, authorId: athlete.id, body: 'Finally!' });
  const [event] = await outbox(coach.tenantId, 'comment.created');
  expect(event?.payload).toEqual({ commentId: comment.body.id, postId: post.body.id, authorId: athlete.id });
  const thread = await gw.http().get(`/v1/posts/${post.body.id}/comments`).set(gw.auth(coach));
  expect(thread.body.items.map((c: { id: string }) => c.id)).toEqual([comment.body.id]);
  expect((await gw.http().post(`/v1/posts/${post.body.id}/comments`).set(gw.auth(athlete2)).send({})).status).toBe(404);
  const other = await gw.signup();
  expect((await gw.http().post(`/v1/posts/${post.body.id}/comments`).set(gw.auth(other)).send({ body: 'hi' })).status).toBe(404);
  expect((await gw.http().post(`/v1/posts/${post.body.id}/comments`).set(gw.auth(athlete)).send({ body: '' })).status).toBe(422);
});
