import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { outboxEvents, passwordResets } from '@coachline/db/schema/index';
import { eventually } from '@coachline/testing/eventually';
import type { TestUser } from '@coachline/api-gateway/testing/gateway-harness';
import { startEventStack, type EventStack } from './testing/event-stack';

/**
 * Password reset by email, from the request to the new password: the gateway
 * records the reset, the relay publishes its event and the notifications
 * worker emails the link to a real SMTP peer.
 */
let stack: EventStack;
beforeAll(async () => {
  stack = await startEventStack();
  stack.relay().start();
  stack.worker();
});
afterAll(() => stack.close());

const newPassword = 'the new passphrase';
const ask = (email: string) => stack.gw.http().post('/v1/auth/password-reset').send({ email });
const confirm = (token: string, password = newPassword) => stack.gw.http().post('/v1/auth/password-reset/confirm').send({ token, password });
const login = (user: TestUser, password: string) => stack.gw.http().post('/v1/auth/login').send({ email: user.email, password });

/** The reset emails an address received (it also gets a welcome or an invitation). */
const resetEmails = (email: string) => stack.smtp.to(email).filter((mail) => /^Subject: Reset your Coachline password/m.test(mail.decoded));

/** Asks for a reset and resolves with the token of the link the email carries. */
async function emailedToken(user: TestUser): Promise<string> {
  const before = resetEmails(user.email).length;
  const res = await ask(user.email.toUpperCase());
  expect(res.status).toBe(202);
  const mail = await eventually(async () => resetEmails(user.email)[before], 'the reset email');
  const link = /https:\/\/app\.coachline\.test\/password-reset\?token=([A-Za-z0-9%._-]+)/.exec(mail.decoded);
  expect(link).not.toBeNull();
  return decodeURIComponent(link![1]!);
}

test('the emailed link sets a new password once, and every session of the account ends', async () => {
  const { admin } = await stack.team();
  const other = (await login(admin, admin.password)).body as { accessToken: string; refreshToken: string };
  const token = await emailedToken(admin);
  // The token reached the mailbox only: the reset row keeps its hash and its sealed form, the outbox its id.
  const stored = await stack.db.withTenant({ tenantId: admin.tenantId }, async (tx) => ({
    resets: await tx.select().from(passwordResets).where(eq(passwordResets.userId, admin.id)),
    outbox: await tx.select().from(outboxEvents).where(eq(outboxEvents.type, 'password_reset.requested')),
  }));
  expect(stored.resets).toHaveLength(1);
  expect(stored.outbox.map((row) => row.payload)).toEqual([{ resetId: stored.resets[0]!.id, userId: admin.id }]);
  expect(JSON.stringify(stored)).not.toContain(token.split('.')[1]);
  expect(await stack.redisText()).toContain(stored.resets[0]!.id);
  expect(await stack.redisText()).not.toContain(token.split('.')[1]);

  expect((await confirm(token)).status).toBe(204);
  for (const refreshToken of [admin.refreshToken, other.refreshToken]) expect((await stack.gw.http().post('/v1/auth/refresh').send({ refreshToken })).status).toBe(401);
  await eventually(async () => (await stack.gw.http().get('/v1/me').set('authorization', `Bearer ${other.accessToken}`)).status === 401, 'access tokens of ended sessions to be refused', 5_000);
  expect((await login(admin, admin.password)).status).toBe(401);
  expect((await login(admin, newPassword)).status).toBe(200);

  const again = await confirm(token, 'yet another passphrase');
  expect({ status: again.status, code: again.body.code }).toEqual({ status: 410, code: 'GONE' });
  expect((await login(admin, newPassword)).status).toBe(200);
});

test('a link past its hour is 410 and changes nothing', async () => {
  const { coach } = await stack.team();
  const token = await emailedToken(coach);
  await stack.db.withTenant({ tenantId: coach.tenantId }, (tx) => tx.execute(sql`UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE user_id = ${coach.id}`));
  const res = await confirm(token);
  expect({ status: res.status, code: res.body.code }).toEqual({ status: 410, code: 'GONE' });
  expect((await login(coach, coach.password)).status).toBe(200);
  expect((await stack.gw.http().post('/v1/auth/refresh').send({ refreshToken: coach.refreshToken })).status).toBe(200);
});

test('an unknown email gets the same 202 and no email', async () => {
  const { athlete } = await stack.team();
  const unknown = `nobody-${randomUUID()}@example.com`;
  const answers = [await ask(unknown), await ask(athlete.email)];
  const shape = (res: (typeof answers)[number]) => ({ status: res.status, body: res.body as unknown, type: res.headers['content-type'], length: res.headers['content-length'] });
  expect(shape(answers[0]!)).toEqual(shape(answers[1]!));
  expect(answers[0]!.status).toBe(202);
  // The known account's email, asked for after the unknown one, arrives; none ever goes to the unknown address.
  await eventually(async () => resetEmails(athlete.email)[0], "the known account's email");
  expect(stack.smtp.to(unknown)).toEqual([]);
});

test('bad input is 422, and a token of no reset 404', async () => {
  const { admin } = await stack.team();
  for (const body of [{}, { email: 'not an email' }, { email: admin.email, tenantId: admin.tenantId }]) {
    expect((await stack.gw.http().post('/v1/auth/password-reset').send(body)).status).toBe(422);
  }
  const token = await emailedToken(admin);
  for (const body of [{ token }, { token, password: 'short' }, { token, password: 'x'.repeat(257) }, { password: newPassword }, { token: '', password: newPassword }]) {
    const res = await stack.gw.http().post('/v1/auth/password-reset/confirm').send(body);
    expect({ body, status: res.status, code: res.body.code }).toEqual({ body, status: 422, code: 'VALIDATION_FAILED' });
  }
  for (const garbage of ['pwr_nonsense', `pwr_${admin.tenantId}.${'A'.repeat(43)}`, token.replace(/^pwr_/, 'inv_')]) {
    expect((await confirm(garbage)).status).toBe(404);
  }
  // The refused attempts left the link usable.
  expect((await confirm(token)).status).toBe(204);
});
