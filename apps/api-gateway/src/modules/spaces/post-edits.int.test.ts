import { startGateway, type Gateway, type TestUser } from '../../testing/gateway-harness';

/** PATCH and DELETE of posts, and a post's comments listed. */
let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

async function spaceWithPost(owner: TestUser, author: TestUser, members: TestUser[]) {
  const space = await gw.http().post('/v1/spaces').set(gw.auth(owner)).send({ name: 'Crew' });
  for (const m of members) expect((await gw.http().post(`/v1/spaces/${space.body.id}/members`).set(gw.auth(owner)).send({ userId: m.id })).status).toBe(201);
  const post = await gw.http().post(`/v1/spaces/${space.body.id}/posts`).set(gw.auth(author)).send({ body: 'Squats at 7' });
  expect(post.status).toBe(201);
  return { spaceId: space.body.id as string, postId: post.body.id as string };
}

test("the author and the space's coaches change a post; other members are 403, outsiders and other tenants 404", async () => {
  const { admin, coach, athlete, athlete2 } = await gw.tenantWithTeam();
  const { spaceId, postId } = await spaceWithPost(coach, athlete, [athlete, athlete2]);

  const edited = await gw.http().patch(`/v1/posts/${postId}`).set(gw.auth(athlete)).send({ body: 'Squats at 8' });
  expect(edited.status).toBe(200);
  expect(edited.body).toMatchObject({ id: postId, spaceId, authorId: athlete.id, body: 'Squats at 8' });
  expect((await gw.http().patch(`/v1/posts/${postId}`).set(gw.auth(coach)).send({ body: 'Squats at 9' })).status).toBe(200);

  expect((await gw.http().patch(`/v1/posts/${postId}`).set(gw.auth(athlete2)).send({ body: 'mine now' })).status).toBe(403);
  expect((await gw.http().delete(`/v1/posts/${postId}`).set(gw.auth(athlete2))).status).toBe(403);
  // The ADMIN is not a member of this space: to them it does not exist.
  expect((await gw.http().patch(`/v1/posts/${postId}`).set(gw.auth(admin)).send({ body: 'x' })).status).toBe(404);
  const other = await gw.signup();
  expect((await gw.http().patch(`/v1/posts/${postId}`).set(gw.auth(other)).send({ body: 'x' })).status).toBe(404);
  expect((await gw.http().delete(`/v1/posts/${postId}`).set(gw.auth(other))).status).toBe(404);
  expect((await gw.http().patch(`/v1/posts/${postId}`).set(gw.auth(athlete)).send({ body: '' })).status).toBe(422);
  expect((await gw.http().patch(`/v1/posts/${postId}`).set(gw.auth(athlete)).send({ body: 'x', authorId: athlete2.id })).status).toBe(422);

  const posts = await gw.http().get(`/v1/spaces/${spaceId}/posts`).set(gw.auth(athlete2));
  expect(posts.body.items).toEqual([expect.objectContaining({ id: postId, body: 'Squats at 9' })]);
});

test('comments are listed oldest first; deleting a post takes its comments, and then both are 404', async () => {
  const { coach, athlete, athlete2 } = await gw.tenantWithTeam();
  const { spaceId, postId } = await spaceWithPost(coach, athlete2, [athlete, athlete2]);
  for (const body of ['first', 'second', 'third']) expect((await gw.http().post(`/v1/posts/${postId}/comments`).set(gw.auth(athlete)).send({ body })).status).toBe(201);

  const firstPage = await gw.http().get(`/v1/posts/${postId}/comments`).query({ limit: 2 }).set(gw.auth(athlete2));
  expect(firstPage.status).toBe(200);
  expect(firstPage.body.items.map((c: { body: string }) => c.body)).toEqual(['first', 'second']);
  const secondPage = await gw.http().get(`/v1/posts/${postId}/comments`).query({ limit: 2, cursor: firstPage.body.nextCursor }).set(gw.auth(athlete2));
  expect(secondPage.body).toMatchObject({ items: [expect.objectContaining({ body: 'third', authorId: athlete.id })], nextCursor: null });

  expect((await gw.http().delete(`/v1/posts/${postId}`).set(gw.auth(coach))).status).toBe(204);
  expect((await gw.http().get(`/v1/posts/${postId}/comments`).set(gw.auth(athlete))).status).toBe(404);
  expect((await gw.http().delete(`/v1/posts/${postId}`).set(gw.auth(coach))).status).toBe(404);
  expect((await gw.http().get(`/v1/spaces/${spaceId}/posts`).set(gw.auth(athlete))).body.items).toEqual([]);
});
