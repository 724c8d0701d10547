import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { outboxEvents } from '@coachline/db/schema/index';
import { startGateway, type Gateway } from '../../testing/gateway-harness';

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

describe('conversations over REST', () => {
  test('members open a conversation, exchange messages, list them; each message puts message.created in the outbox', async () => {
    const { coach, athlete, athlete2 } = await gw.tenantWithTeam();
    const opened = await gw.http().post('/v1/conversations').set(gw.auth(coach)).send({ userId: athlete.id });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ id: expect.any(String), otherUserId: athlete.id });
    const again = await gw.http().post('/v1/conversations').set(gw.auth(athlete)).send({ userId: coach.id });
    expect(again.body.id).toBe(opened.body.id);

    const sent = await gw.http().post(`/v1/conversations/${opened.body.id}/messages`).set(gw.auth(athlete)).send({ body: 'Squats felt heavy today' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ id: expect.any(String), conversationId: opened.body.id, fromUserId: athlete.id, body: 'Squats felt heavy today', createdAt: expect.any(String) });
    await gw.http().post(`/v1/conversations/${opened.body.id}/messages`).set(gw.auth(coach)).send({ body: 'Deload next week' });

    const listed = await gw.http().get(`/v1/conversations/${opened.body.id}/messages`).set(gw.auth(coach));
    expect(listed.body.items.map((m: { body: string }) => m.body)).toEqual(['Deload next week', 'Squats felt heavy today']);
    const mine = await gw.http().get('/v1/conversations').set(gw.auth(athlete));
    expect(mine.body.items).toEqual([expect.objectContaining({ id: opened.body.id, otherUserId: coach.id, lastMessageAt: expect.any(String) })]);
    expect((await gw.http().get('/v1/conversations').set(gw.auth(athlete2))).body.items).toEqual([]);

    const events = await gw.deps.db.withTenant({ tenantId: coach.tenantId }, (tx) =>
      tx.select().from(outboxEvents).where(and(eq(outboxEvents.tenantId, coach.tenantId), eq(outboxEvents.type, 'message.created'))),
    );
    expect(events.map((e) => e.payload)).toEqual(
      expect.arrayContaining([{ messageId: sent.body.id, conversationId: opened.body.id, fromUserId: athlete.id, toUserId: coach.id }]),
    );
  });

  test("outsiders get 404, bad bodies 422, and another tenant's members are unknown", async () => {
    const { coach, athlete, athlete2 } = await gw.tenantWithTeam();
    const opened = await gw.http().post('/v1/conversations').set(gw.auth(coach)).send({ userId: athlete.id });
    expect((await gw.http().get(`/v1/conversations/${opened.body.id}/messages`).set(gw.auth(athlete2))).status).toBe(404);
    expect((await gw.http().post(`/v1/conversations/${opened.body.id}/messages`).set(gw.auth(athlete2)).send({})).status).toBe(404);
    expect((await gw.http().post(`/v1/conversations/${randomUUID()}/messages`).set(gw.auth(coach)).send({ body: 'hi' })).status).toBe(404);
    for (const body of [{}, { body: '' }, { body: 'x'.repeat(10_001) }, { body: 'hi', fromUserId: athlete.id }, { body: 'hi', workoutId: randomUUID() }]) {
      expect((await gw.http().post(`/v1/conversations/${opened.body.id}/messages`).set(gw.auth(coach)).send(body)).status).toBe(422);
    }
    expect((await gw.http().post('/v1/conversations').set(gw.auth(coach)).send({ userId: coach.id })).status).toBe(422);
    const outsider = await gw.signup();
    expect((await gw.http().post('/v1/conversations').set(gw.auth(coach)).send({ userId: outsider.id })).status).toBe(422);
    expect((await gw.http().get(`/v1/conversations/${opened.body.id}/messages`).set(gw.auth(outsider))).status).toBe(404);
  });
});
