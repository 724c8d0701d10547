import { sql } from '@coachline/db/database';
import { eventually } from '@coachline/testing/eventually';
import { startPaymentsStack, standIn, stripeSignature, webhookSecret, type PaymentsStack, type StandInEvent } from './testing/payments-stack';

/**
 * Checkout -> Stripe (the stand-in) -> signed webhook -> outbox -> billing
 * consumer -> entitlements, receipts and dunning emails at a real SMTP peer.
 */
let stack: PaymentsStack;
beforeAll(async () => {
  stack = await startPaymentsStack();
});
afterAll(async () => {
  await stack.close();
});

const allWeek = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));
/** Whole half hours from now on, so every start is inside an all-week availability of 30-minute slots. */
const slot = (n: number) => new Date(Math.ceil(Date.now() / 1_800_000) * 1_800_000 + (n + 2) * 1_800_000).toISOString();

/** Resolves once the billing consumer has applied (or skipped as stale) each of these Stripe events. */
async function applied(tenantId: string, stripeEventIds: string[]) {
  await eventually(async () => {
    const rows = await stack.db.withTenant({ tenantId }, (tx) =>
      tx.execute(sql`SELECT count(DISTINCT o.payload->>'stripeEventId')::int AS n FROM outbox_events o
        JOIN processed_events p ON p.tenant_id = o.tenant_id AND p.event_id = o.id::text AND p.consumer = 'billing'
        WHERE o.type = 'stripe.event_received' AND o.payload->>'stripeEventId' IN (${sql.join(stripeEventIds.map((id) => sql`${id}`), sql`, `)})`),
    );
    return (rows.rows[0] as { n: number }).n === stripeEventIds.length;
  }, `events ${stripeEventIds.join(', ')} to be applied`);
}

async function ledger(tenantId: string, userId: string) {
  const rows = await stack.db.withTenant({ tenantId }, (tx) => tx.execute(sql`SELECT delta, reason FROM credit_ledger WHERE user_id = ${userId}::uuid ORDER BY created_at, id`));
  return rows.rows as { delta: number; reason: string }[];
}

test('a paid program is assigned to the buyer, a receipt is emailed, and an admin refund takes it back', async () => {
  const shop = await stack.shop();
  const programId = await stack.program(shop.coach);
  const productId = await stack.product(shop.coach, { name: 'PPL 12 weeks', kind: 'program', programId, priceCents: 4900 });

  const { purchaseId } = await stack.buy(shop.athlete, productId);
  await eventually(async () => (await stack.entitlements(shop.athlete)).programIds.includes(programId), 'the program to be assigned');
  expect(await stack.purchase(shop.athlete, purchaseId)).toMatchObject({ status: 'paid', amountCents: 4900, currency: 'usd' });
  const assignments = await stack.gw.http().get(`/v1/programs/${programId}`).set(stack.gw.auth(shop.athlete));
  expect(assignments.status).toBe(200);
  const receipt = await eventually(() => stack.smtp.to(shop.athlete.email).find((m) => m.decoded.includes('Receipt: PPL 12 weeks')), 'the receipt');
  expect(receipt.decoded).toContain('49.00 USD');

  expect((await stack.gw.http().post(`/v1/purchases/${purchaseId}/refund`).set(stack.gw.auth(shop.coach))).status).toBe(403);
  const refunded = await stack.gw.http().post(`/v1/purchases/${purchaseId}/refund`).set(stack.gw.auth(shop.admin));
  expect(refunded.status).toBe(200);
  expect(refunded.body).toEqual({ status: 'refunded' });
  expect((await stack.entitlements(shop.athlete)).programIds).toEqual([]);
  expect(await stack.purchase(shop.athlete, purchaseId)).toMatchObject({ status: 'refunded' });
  await eventually(() => stack.smtp.to(shop.athlete.email).find((m) => m.decoded.includes('Refund: PPL 12 weeks')), 'the refund email');
  // Stripe's charge.refunded for the same refund arrives later and changes nothing.
  await eventually(async () => (await stack.events(shop.accountId)).some((e) => e.type === 'charge.refunded'), 'charge.refunded');
  expect((await stack.gw.http().post(`/v1/purchases/${purchaseId}/refund`).set(stack.gw.auth(shop.admin))).body).toEqual({ status: 'refunded' });
});

test('a session pack adds credits to a ledger; a refund after partial spending takes back only what is left', async () => {
  const shop = await stack.shop();
  const productId = await stack.product(shop.coach, { name: '3 sessions', kind: 'session_pack', sessionCredits: 3, priceCents: 15000 });
  await stack.gw.http().put(`/v1/coaches/${shop.coach.id}/availability`).set(stack.gw.auth(shop.coach)).send({ timezone: 'UTC', slotMinutes: 30, rules: allWeek, requiresCredit: true });

  const blocked = await stack.gw.http().post('/v1/sessions').set(stack.gw.auth(shop.athlete)).send({ coachId: shop.coach.id, start: slot(1) });
  expect(blocked.status).toBe(402);
  expect(blocked.body.code).toBe('PAYMENT_REQUIRED');

  const { purchaseId } = await stack.buy(shop.athlete, productId);
  await eventually(async () => (await stack.entitlements(shop.athlete)).sessionCredits === 3, 'three credits');
  for (const n of [1, 2]) expect((await stack.gw.http().post('/v1/sessions').set(stack.gw.auth(shop.athlete)).send({ coachId: shop.coach.id, start: slot(n) })).status).toBe(201);
  expect((await stack.entitlements(shop.athlete)).sessionCredits).toBe(1);

  expect((await stack.gw.http().post(`/v1/purchases/${purchaseId}/refund`).set(stack.gw.auth(shop.admin))).status).toBe(200);
  // Two credits were spent on sessions that stand; the refund takes back the one left, never going below zero.
  expect((await stack.entitlements(shop.athlete)).sessionCredits).toBe(0);
  expect(await ledger(shop.admin.tenantId, shop.athlete.id)).toEqual([
    { delta: 3, reason: 'purchase' },
    { delta: -1, reason: 'booking' },
    { delta: -1, reason: 'booking' },
    { delta: -1, reason: 'refund' },
  ]);
  const staffView = await stack.entitlements(shop.coach, shop.athlete.id);
  expect(staffView.sessionCredits).toBe(0);
});

test('twenty concurrent bookings by an athlete holding one credit: exactly one succeeds', async () => {
  const shop = await stack.shop();
  const productId = await stack.product(shop.coach, { name: 'Single session', kind: 'session_pack', sessionCredits: 1 });
  await stack.gw.http().put(`/v1/coaches/${shop.coach.id}/availability`).set(stack.gw.auth(shop.coach)).send({ timezone: 'UTC', slotMinutes: 30, rules: allWeek, requiresCredit: true });
  await stack.buy(shop.athlete, productId);
  await eventually(async () => (await stack.entitlements(shop.athlete)).sessionCredits === 1, 'one credit');

  const answers = await Promise.all(Array.from({ length: 20 }, (_, n) => stack.gw.http().post('/v1/sessions').set(stack.gw.auth(shop.athlete)).send({ coachId: shop.coach.id, start: slot(n + 1) })));
  const statuses = answers.map((a) => a.status).sort();
  expect(statuses.filter((s) => s === 201)).toHaveLength(1);
  expect(statuses.filter((s) => s === 402)).toHaveLength(19);
  expect((await stack.entitlements(shop.athlete)).sessionCredits).toBe(0);
  const sessions = await stack.gw.http().get('/v1/sessions').set(stack.gw.auth(shop.athlete));
  expect(sessions.body.items).toHaveLength(1);
});

test('cancelling before the notice returns the credit; a late cancel keeps it spent', async () => {
  const shop = await stack.shop();
  const productId = await stack.product(shop.coach, { name: 'Two sessions', kind: 'session_pack', sessionCredits: 2 });
  // Sessions 90 and 150 minutes away (and more), with a two-hour notice: slot(1) is late to cancel, slot(6) is not.
  await stack.gw.http().put(`/v1/coaches/${shop.coach.id}/availability`).set(stack.gw.auth(shop.coach)).send({ timezone: 'UTC', slotMinutes: 30, rules: allWeek, requiresCredit: true, cancellationNoticeMinutes: 120 });
  const availability = await stack.gw.http().get(`/v1/coaches/${shop.coach.id}/availability`).set(stack.gw.auth(shop.athlete));
  expect(availability.body).toMatchObject({ requiresCredit: true, cancellationNoticeMinutes: 120 });
  await stack.buy(shop.athlete, productId);
  await eventually(async () => (await stack.entitlements(shop.athlete)).sessionCredits === 2, 'two credits');

  const soon = await stack.gw.http().post('/v1/sessions').set(stack.gw.auth(shop.athlete)).send({ coachId: shop.coach.id, start: slot(0) });
  const later = await stack.gw.http().post('/v1/sessions').set(stack.gw.auth(shop.athlete)).send({ coachId: shop.coach.id, start: slot(6) });
  expect([soon.status, later.status]).toEqual([201, 201]);
  expect((await stack.entitlements(shop.athlete)).sessionCredits).toBe(0);

  const late = await stack.gw.http().post(`/v1/sessions/${soon.body.id}/cancel`).set(stack.gw.auth(shop.athlete)).send({});
  expect(late.body).toMatchObject({ status: 'cancelled', late: true });
  expect((await stack.entitlements(shop.athlete)).sessionCredits).toBe(0);
  const timely = await stack.gw.http().post(`/v1/sessions/${later.body.id}/cancel`).set(stack.gw.auth(shop.athlete)).send({});
  expect(timely.body).toMatchObject({ status: 'cancelled', late: false });
  expect((await stack.entitlements(shop.athlete)).sessionCredits).toBe(1);
  expect((await ledger(shop.admin.tenantId, shop.athlete.id)).map((e) => e.reason)).toEqual(['purchase', 'booking', 'booking', 'booking_returned']);
});

test('a subscription keeps its programs while active; a failed renewal is past_due with a dunning email and reminders; Stripe cancelling ends it', async () => {
  const shop = await stack.shop();
  const [p1, p2] = [await stack.program(shop.coach, 'Strength'), await stack.program(shop.coach, 'Conditioning')];
  const productId = await stack.product(shop.coach, { name: 'Monthly coaching', kind: 'subscription', interval: 'month', programIds: [p1, p2], priceCents: 2900 });
  const { purchaseId } = await stack.buy(shop.athlete, productId);
  const active = await eventually(async () => {
    const e = await stack.entitlements(shop.athlete);
    return e.subscription?.status === 'active' && e.programIds.length === 2 && e;
  }, 'an active subscription with its programs');
  expect(active.programIds).toEqual([p1, p2].sort());
  expect(active.subscription).toMatchObject({ productId, currentPeriodEnd: expect.any(String) });
  // The subscription and the payment arrive as separate Stripe events, applied in whichever order they come.
  const paid = await eventually(async () => {
    const purchase = await stack.purchase(shop.athlete, purchaseId);
    return purchase?.status === 'paid' && purchase;
  }, 'the purchase paid');
  expect(paid).toMatchObject({ status: 'paid', amountCents: 2900 });
  await eventually(() => stack.smtp.to(shop.athlete.email).find((m) => m.decoded.includes('Receipt: Monthly coaching')), 'the first receipt');

  const subscriptionId = (await stack.events(shop.accountId)).find((e) => e.type === 'customer.subscription.created')!.object;
  await standIn('POST', `/_stand-in/subscriptions/${subscriptionId}/fail-renewal`);
  await eventually(async () => (await stack.entitlements(shop.athlete)).subscription?.status === 'past_due', 'past_due');
  // Stripe keeps retrying while past due: the programs stay until it cancels.
  expect((await stack.entitlements(shop.athlete)).programIds).toHaveLength(2);
  const dunning = await eventually(() => stack.smtp.to(shop.athlete.email).find((m) => m.decoded.includes('Your payment did not go through')), 'the dunning email');
  const link = /(http:\/\/127\.0\.0\.1:\d+\/_stand-in\/invoices\/in_[0-9a-f]+)/.exec(dunning.decoded)?.[1];
  expect(link).toBeDefined();

  const { dunningRemindersHandler } = await import('@coachline/scheduler/handlers/dunning-reminders.handler');
  const { TypedQueue } = await import('@coachline/runtime/queues');
  const notifications = new TypedQueue('notifications', stack.connection(), stack.prefix);
  const tick = dunningRemindersHandler({ db: stack.db, notifications, intervalHours: 0, maxReminders: 2 });
  await tick({});
  await eventually(() => stack.smtp.to(shop.athlete.email).find((m) => m.decoded.includes('Reminder: your subscription payment is still due') && m.decoded.includes(link!)), 'a dunning reminder');

  await standIn('POST', `/_stand-in/subscriptions/${subscriptionId}/cancel`);
  const ended = await eventually(async () => {
    const e = await stack.entitlements(shop.athlete);
    return e.subscription?.status === 'canceled' && e;
  }, 'the subscription to end');
  expect(ended.programIds).toEqual([]);
  await notifications.close();
});

test('a renewal pays again (a receipt each time) and an older failure delivered late changes nothing', async () => {
  const shop = await stack.shop();
  const productId = await stack.product(shop.coach, { name: 'Yearly', kind: 'subscription', interval: 'year' });
  await stack.buy(shop.athlete, productId);
  await eventually(async () => (await stack.entitlements(shop.athlete)).subscription?.status === 'active', 'active');
  const first = (await stack.entitlements(shop.athlete)).subscription!.currentPeriodEnd!;
  const subscriptionId = (await stack.events(shop.accountId)).find((e) => e.type === 'customer.subscription.created')!.object;

  // The failure happens first at Stripe, but its events reach us only after the successful retry's.
  const failed = await standIn<{ events: StandInEvent[] }>('POST', `/_stand-in/subscriptions/${subscriptionId}/fail-renewal?deliver=false`);
  await standIn('POST', `/_stand-in/subscriptions/${subscriptionId}/renew`);
  const renewed = await eventually(async () => {
    const s = (await stack.entitlements(shop.athlete)).subscription;
    return s?.status === 'active' && Date.parse(s.currentPeriodEnd!) > Date.parse(first) && s;
  }, 'the renewal to extend the period');
  await eventually(() => stack.smtp.to(shop.athlete.email).filter((m) => m.decoded.includes('Receipt: Yearly')).length === 2 || undefined, 'two receipts');

  for (const event of failed.events) expect((await stack.deliver(event.id)).status).toBe(200);
  await applied(shop.admin.tenantId, failed.events.map((e) => e.id));
  expect((await stack.entitlements(shop.athlete)).subscription).toEqual(renewed);
  expect(stack.smtp.to(shop.athlete.email).filter((m) => m.decoded.includes('did not go through'))).toEqual([]);
});

test('events delivered three times, and in reverse order, take effect once', async () => {
  const shop = await stack.shop();
  const productId = await stack.product(shop.coach, { name: '5 sessions', kind: 'session_pack', sessionCredits: 5 });
  const { purchaseId } = await stack.buy(shop.athlete, productId);
  const [completed] = (await stack.events(shop.accountId)).filter((e) => e.type === 'checkout.session.completed');
  for (let i = 0; i < 2; i++) expect((await stack.deliver(completed!.id)).status).toBe(200);
  await eventually(async () => (await stack.entitlements(shop.athlete)).sessionCredits === 5, 'five credits');
  const recorded = await stack.db.withTenant({ tenantId: shop.admin.tenantId }, (tx) => tx.execute(sql`SELECT count(*)::int AS n FROM stripe_events WHERE stripe_event_id = ${completed!.id}`));
  expect(recorded.rows[0]).toEqual({ n: 1 });

  // A subscription whose events all arrive backwards: invoice.paid, then checkout.session.completed, then customer.subscription.created.
  const subProduct = await stack.product(shop.coach, { name: 'Backwards monthly', kind: 'subscription', interval: 'month', programIds: [await stack.program(shop.coach)] });
  const before = new Set((await stack.events(shop.accountId)).map((e) => e.id));
  const bought = await stack.buy(shop.athlete2, subProduct, { deliver: false });
  expect(await stack.purchase(shop.admin, bought.purchaseId)).toMatchObject({ status: 'pending' });
  const fresh = (await stack.events(shop.accountId)).filter((e) => !before.has(e.id));
  expect(fresh.map((e) => e.type)).toEqual(['customer.subscription.created', 'checkout.session.completed', 'invoice.paid']);
  for (const event of [...fresh].reverse()) for (let i = 0; i < 3; i++) expect((await stack.deliver(event.id)).status).toBe(200);
  const e = await eventually(async () => {
    const found = await stack.entitlements(shop.athlete2);
    return found.subscription?.status === 'active' && found.programIds.length === 1 && found;
  }, 'the subscription to be active');
  expect(e.sessionCredits).toBe(0);
  // The billing consumer applies them concurrently: the payment may land after the subscription.
  await applied(shop.admin.tenantId, fresh.map((ev) => ev.id));
  expect(await stack.purchase(shop.admin, bought.purchaseId)).toMatchObject({ status: 'paid' });
  await eventually(() => stack.smtp.to(shop.athlete2.email).some((m) => m.decoded.includes('Receipt: Backwards monthly')) || undefined, 'the receipt');
  expect(stack.smtp.to(shop.athlete2.email).filter((m) => m.decoded.includes('Receipt: Backwards monthly'))).toHaveLength(1);
  expect((await stack.entitlements(shop.athlete)).sessionCredits).toBe(5);
  expect(await stack.purchase(shop.athlete, purchaseId)).toMatchObject({ status: 'paid' });
});

test('a forged, a stale or a missing signature is 400 and records nothing', async () => {
  const shop = await stack.shop();
  const payload = JSON.stringify({ id: 'evt_forged', object: 'event', type: 'charge.refunded', created: Math.floor(Date.now() / 1000), account: shop.accountId, data: { object: { id: 'ch_x', amount: 1, amount_refunded: 1, metadata: {} } } });
  const post = (signature?: string) => {
    const req = stack.gw.http().post('/v1/webhooks/stripe').set('content-type', 'application/json');
    return (signature ? req.set('stripe-signature', signature) : req).send(payload);
  };
  const forged = await post(stripeSignature(payload, 'whsec_not_the_secret'));
  expect(forged.status).toBe(400);
  expect(forged.body.code).toBe('INVALID_SIGNATURE');
  expect((await post(stripeSignature(payload, webhookSecret, Math.floor(Date.now() / 1000) - 301))).status).toBe(400);
  expect((await post()).status).toBe(400);
  expect((await post(stripeSignature(`${payload} `, webhookSecret))).status).toBe(400);
  const good = await post(stripeSignature(payload, webhookSecret));
  expect(good.status).toBe(200);
  const recorded = await stack.db.withTenant({ tenantId: shop.admin.tenantId }, (tx) => tx.execute(sql`SELECT stripe_event_id FROM stripe_events`));
  expect(recorded.rows).toEqual([{ stripe_event_id: 'evt_forged' }]);
});

test("another tenant's product and purchase are 404; bad inputs are 422; athletes see only what is on sale and their own", async () => {
  const shop = await stack.shop();
  const other = await stack.shop();
  const programId = await stack.program(shop.coach);
  const productId = await stack.product(shop.coach, { name: 'Pack', kind: 'session_pack', sessionCredits: 2 });
  const { purchaseId } = await stack.buy(shop.athlete, productId);
  await eventually(async () => (await stack.purchase(shop.athlete, purchaseId))?.status === 'paid', 'paid');
  const http = stack.gw.http;
  const auth = stack.gw.auth;

  expect((await http().post(`/v1/products/${productId}/checkout`).set(auth(other.athlete)).send({ bogus: 1 })).status).toBe(404);
  expect((await http().patch(`/v1/products/${productId}`).set(auth(other.coach)).send({ active: false })).status).toBe(404);
  expect((await http().get(`/v1/products/${productId}`).set(auth(other.athlete))).status).toBe(404);
  expect((await http().post(`/v1/purchases/${purchaseId}/refund`).set(auth(other.admin))).status).toBe(404);
  expect((await http().get('/v1/purchases').set(auth(other.admin))).body.items).toEqual([]);
  expect((await http().get('/v1/products').set(auth(other.athlete))).body.items).toEqual([]);

  const invalid = [
    { name: 'P', kind: 'program', priceCents: 4900, currency: 'usd' },
    { name: 'P', kind: 'program', priceCents: 4900, currency: 'usd', programId, sessionCredits: 3 },
    { name: 'P', kind: 'session_pack', priceCents: 4900, currency: 'usd', sessionCredits: 101 },
    { name: 'P', kind: 'session_pack', priceCents: 49, currency: 'usd', sessionCredits: 1 },
    { name: 'P', kind: 'session_pack', priceCents: 49.5, currency: 'usd', sessionCredits: 1 },
    { name: 'P', kind: 'session_pack', priceCents: 4900, currency: 'dollars', sessionCredits: 1 },
    { name: 'P', kind: 'subscription', priceCents: 4900, currency: 'usd' },
    { name: 'P', kind: 'subscription', priceCents: 4900, currency: 'usd', interval: 'week' },
    { name: 'P', kind: 'session_pack', priceCents: 4900, currency: 'usd', sessionCredits: 1, interval: 'month' },
    { name: 'P', kind: 'program', priceCents: 4900, currency: 'usd', programId: other.admin.tenantId },
    { name: 'P', kind: 'session_pack', priceCents: 4900, currency: 'usd', sessionCredits: 1, tenantId: other.admin.tenantId },
  ];
  for (const body of invalid) {
    const res = await http().post('/v1/products').set(auth(shop.coach)).send(body);
    expect({ body, status: res.status }).toEqual({ body, status: 422 });
  }
  const missing = await http().post('/v1/products').set(auth(shop.coach)).send(invalid[0]);
  expect(missing.body.errors).toEqual([expect.objectContaining({ path: 'programId' })]);
  expect((await http().post('/v1/products').set(auth(shop.athlete)).send({ name: 'P', kind: 'session_pack', priceCents: 4900, currency: 'usd', sessionCredits: 1 })).status).toBe(403);
  expect((await http().patch(`/v1/products/${productId}`).set(auth(shop.coach)).send({ priceCents: 1 })).status).toBe(422);
  expect((await http().post(`/v1/products/${productId}/checkout`).set(auth(shop.athlete)).send({ successUrl: 'javascript:alert(1)', cancelUrl: 'https://x.example' })).status).toBe(422);
  expect((await http().get('/v1/purchases?limit=101').set(auth(shop.admin))).status).toBe(422);

  // Off sale: hidden from athletes (404 to buy), listed for staff.
  const patched = await http().patch(`/v1/products/${productId}`).set(auth(shop.coach)).send({ active: false, name: 'Old pack' });
  expect(patched.body).toMatchObject({ active: false, name: 'Old pack', priceCents: 4900 });
  expect((await http().get('/v1/products').set(auth(shop.athlete))).body.items).toEqual([]);
  expect((await http().get('/v1/products').set(auth(shop.coach))).body.items).toEqual([expect.objectContaining({ id: productId })]);
  expect((await http().post(`/v1/products/${productId}/checkout`).set(auth(shop.athlete)).send({ successUrl: 'https://a.example', cancelUrl: 'https://b.example' })).status).toBe(404);

  // Athletes see their own purchases and entitlements only.
  expect((await http().get('/v1/purchases').set(auth(shop.athlete2))).body.items).toEqual([]);
  expect((await http().get(`/v1/purchases?userId=${shop.athlete.id}`).set(auth(shop.athlete2))).status).toBe(403);
  expect((await http().get(`/v1/entitlements?userId=${shop.athlete.id}`).set(auth(shop.athlete2))).status).toBe(403);
  expect((await http().get(`/v1/purchases?userId=${shop.athlete.id}`).set(auth(shop.admin))).body.items).toEqual([expect.objectContaining({ id: purchaseId, productId, userId: shop.athlete.id, status: 'paid', amountCents: 4900, currency: 'usd', createdAt: expect.any(String) })]);
});
