import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { outboxEvents } from '@coachline/db/schema/index';
import { eventually } from '@coachline/testing/eventually';
import { startEventStack, type EventStack } from './testing/event-stack';

/**
 * An invitation token is a 7-day bearer credential: it reaches the invitee's
 * mailbox, and nowhere it would outlive the invitation (outbox rows, job data).
 */
let stack: EventStack;
beforeAll(async () => {
  stack = await startEventStack();
});
afterAll(() => stack.close());

test('the invitation token is in no outbox row and no job, and the email still carries a working link', async () => {
  const { admin } = await stack.team();
  const email = `invitee-${randomUUID()}@example.com`;
  const invite = await stack.gw.http().post('/v1/invitations').set(stack.gw.auth(admin)).send({ email, role: 'ATHLETE' });
  expect(invite.status).toBe(201);
  const token = invite.body.token as string;
  const secretPart = token.split('.')[1]!;

  const relay = stack.relay();
  await eventually(async () => {
    await relay.drain();
    return (await stack.unpublished(admin.tenantId)) === 0 ? true : undefined;
  }, 'the outbox to be published');
  const outbox = await stack.db.withTenant({ tenantId: admin.tenantId }, (tx) => tx.select().from(outboxEvents).where(eq(outboxEvents.tenantId, admin.tenantId)));
  const invitationEvents = outbox.filter((row) => row.type === 'invitation.created');
  // The team's three invitations and this one, all published, none with a token.
  expect(invitationEvents).toHaveLength(4);
  expect(invitationEvents.every((row) => row.publishedAt !== null)).toBe(true);
  expect(JSON.stringify(outbox)).not.toContain(secretPart);
  expect(JSON.stringify(outbox)).not.toMatch(/inv_[0-9a-f-]{36}\./);
  expect(await stack.redisText()).not.toContain(secretPart);

  stack.worker();
  const mail = await eventually(async () => stack.smtp.to(email)[0], 'the invitation email');
  expect(await stack.redisText()).not.toMatch(/inv_[0-9a-f-]{36}\./);
  const link = /invitations\/accept\?token=([A-Za-z0-9%._-]+)/.exec(mail.decoded);
  expect(link).not.toBeNull();
  expect(decodeURIComponent(link![1]!)).toBe(token);
  const accepted = await stack.gw.http().post('/v1/invitations/accept').send({ token: decodeURIComponent(link![1]!), name: 'Invitee', password: 'a long enough password' });
  expect(accepted.status).toBe(201);
  expect(accepted.body).toMatchObject({ user: { email }, tenant: { id: admin.tenantId }, role: 'ATHLETE' });
});
