// A local stand-in for Stripe's API: the calls Coachline's code makes, answered
// in memory, with Stripe's webhook signatures. Fetching a checkout URL pays, as
// a customer would; `/_stand-in/...` lets tests and developers play Stripe's
// other parts (a renewal that fails, a cancellation, a late or repeated delivery).
import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

const API_VERSION = '2026-11-18.endive';
const id = (prefix) => `${prefix}_${randomBytes(12).toString('hex')}`;
const now = () => Math.floor(Date.now() / 1000);
const DAY = 86_400;
const PERIOD = { month: 30 * DAY, year: 365 * DAY };

/** Stripe's bracket form encoding (`a[b][0][c]=v`) back into objects and arrays. */
export function parseForm(text) {
  const root = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.replace(/\]/g, '').split('[');
    let node = root;
    path.forEach((part, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(path[i + 1]);
      if (last) node[part] = value;
      else node = node[part] ??= nextIsIndex ? [] : {};
    });
  }
  return root;
}

/** Stripe's scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload" keyed by the endpoint secret>`. */
export function signatureHeader(payload, secret, timestamp = now()) {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

export async function startStripeStandIn({ port = 0, host = '127.0.0.1', webhookSecret, webhookUrl, log = () => undefined } = {}) {
  if (!webhookSecret) throw new Error('the Stripe stand-in needs a webhook secret');
  const state = { accounts: new Map(), sessions: new Map(), intents: new Map(), charges: new Map(), subscriptions: new Map(), invoices: new Map(), events: new Map(), routes: new Map() };
  let base = '';
  let lastCreated = 0;
  // Strictly increasing, so tests can tell an older event from a newer one even within a second.
  const created = () => (lastCreated = Math.max(now(), lastCreated + 1));

  async function deliver(event) {
    const url = state.routes.get(event.account) ?? webhookUrl;
    if (!url) return { status: 0, error: 'no webhook endpoint for this account' };
    const payload = JSON.stringify(event);
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signatureHeader(payload, webhookSecret) }, body: payload, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      if (res.status >= 300) log(`webhook ${event.type} ${event.id} answered ${res.status}`);
      return { status: res.status };
    } catch (error) {
      log(`webhook ${event.type} ${event.id} failed: ${error.message}`);
      return { status: 0, error: error.message };
    }
  }

  function makeEvent(account, type, object) {
    const event = { id: id('evt'), object: 'event', api_version: API_VERSION, created: created(), type, account, livemode: false, pending_webhooks: 1, data: { object: structuredClone(object) } };
    state.events.set(event.id, event);
    return event;
  }

  /** Records the events and sends them in order; `deliver: false` records only (tests then send them in any order). */
  async function emitEvents(account, list, { send = true } = {}) {
    const events = list.map(([type, object]) => makeEvent(account, type, object));
    if (send) for (const event of events) await deliver(event);
    return events;
  }

  function paymentIntent(account, amount, currency, metadata, customer) {
    const charge = { id: id('ch'), object: 'charge', amount, amount_refunded: 0, refunded: false, currency, customer, metadata, paid: true, status: 'succeeded' };
    const intent = { id: id('pi'), object: 'payment_intent', amount, currency, customer, metadata, status: 'succeeded', latest_charge: charge.id };
    charge.payment_intent = intent.id;
    state.charges.set(charge.id, { account, charge });
    state.intents.set(intent.id, { account, intent });
    return intent;
  }

  function invoiceFor(account, sub, { paid, reason }) {
    const item = sub.items.data[0];
    const intent = paid ? paymentIntent(account, item.price.unit_amount, item.price.currency, sub.metadata, sub.customer) : undefined;
    const invoice = {
      id: id('in'),
      object: 'invoice',
      customer: sub.customer,
      status: paid ? 'paid' : 'open',
      billing_reason: reason,
      amount_due: item.price.unit_amount,
      amount_paid: paid ? item.price.unit_amount : 0,
      currency: item.price.currency,
      attempt_count: 1,
      payment_intent: intent?.id ?? null,
      lines: { object: 'list', data: [{ id: id('il'), amount: item.price.unit_amount, currency: item.price.currency, period: { start: item.current_period_start, end: item.current_period_end } }] },
      parent: { type: 'subscription_details', subscription_details: { subscription: sub.id, metadata: sub.metadata } },
      hosted_invoice_url: null,
    };
    invoice.hosted_invoice_url = `${base}/_stand-in/invoices/${invoice.id}`;
    state.invoices.set(invoice.id, { account, invoice });
    return invoice;
  }

  function advancePeriod(sub) {
    const item = sub.items.data[0];
    item.current_period_start = item.current_period_end;
    item.current_period_end = item.current_period_start + PERIOD[item.price.recurring.interval];
  }

  async function completeCheckout(session, send) {
    const account = session.account;
    const customer = id('cus');
    session.customer = customer;
    session.status = 'complete';
    session.payment_status = 'paid';
    const list = [];
    if (session.mode === 'payment') {
      const intent = paymentIntent(account, session.amount_total, session.currency, session.payment_intent_data?.metadata ?? {}, customer);
      session.payment_intent = intent.id;
      list.push(['checkout.session.completed', view(session)]);
    } else {
      const line = session.line_items[0];
      const start = now();
      const interval = line.price_data.recurring?.interval ?? 'month';
      const sub = {
        id: id('sub'),
        object: 'subscription',
        customer,
        status: 'active',
        metadata: session.subscription_data?.metadata ?? {},
        cancel_at_period_end: false,
        items: { object: 'list', data: [{ id: id('si'), current_period_start: start, current_period_end: start + PERIOD[interval], price: { unit_amount: Number(line.price_data.unit_amount), currency: line.price_data.currency, recurring: { interval } } }] },
      };
      state.subscriptions.set(sub.id, { account, sub });
      session.subscription = sub.id;
      const invoice = invoiceFor(account, sub, { paid: true, reason: 'subscription_create' });
      session.invoice = invoice.id;
      list.push(['customer.subscription.created', sub], ['checkout.session.completed', view(session)], ['invoice.paid', invoice]);
    }
    return emitEvents(account, list, { send });
  }

  async function renew(entry, { fail, send }) {
    const { account, sub } = entry;
    if (sub.status === 'canceled') throw new StandInError(400, 'The subscription is canceled.');
    advancePeriod(sub);
    const invoice = invoiceFor(account, sub, { paid: !fail, reason: 'subscription_cycle' });
    sub.status = fail ? 'past_due' : 'active';
    return emitEvents(account, fail ? [['invoice.payment_failed', invoice], ['customer.subscription.updated', sub]] : [['invoice.paid', invoice], ['customer.subscription.updated', sub]], { send });
  }

  async function cancel(entry, { send }) {
    entry.sub.status = 'canceled';
    entry.sub.canceled_at = now();
    return emitEvents(entry.account, [['customer.subscription.deleted', entry.sub]], { send });
  }

  const view = (session) => {
    const { account: _account, line_items: _items, payment_intent_data: _pi, subscription_data: _sd, ...rest } = session;
    return rest;
  };

  class StandInError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }
  const find = (map, key, what) => {
    const found = map.get(key);
    if (!found) throw new StandInError(404, `No such ${what}: '${key}'`);
    return found;
  };

  /** The Stripe API calls Coachline makes. */
  async function api(method, path, body, account) {
    let m;
    if (method === 'POST' && path === '/v1/accounts') {
      const account = { id: id('acct'), object: 'account', type: body.type ?? 'express', charges_enabled: false, details_submitted: false, payouts_enabled: false, metadata: body.metadata ?? {} };
      state.accounts.set(account.id, account);
      return account;
    }
    if (method === 'GET' && (m = /^\/v1\/accounts\/([^/]+)$/.exec(path))) return find(state.accounts, m[1], 'account');
    if (method === 'POST' && path === '/v1/account_links') {
      find(state.accounts, body.account, 'account');
      const url = new URL(`${base}/_stand-in/onboarding/${body.account}`);
      url.searchParams.set('return_url', body.return_url ?? '');
      return { object: 'account_link', created: now(), expires_at: now() + 300, url: url.toString() };
    }
    if (method === 'POST' && path === '/v1/checkout/sessions') {
      if (!account) throw new StandInError(400, 'Checkout Sessions of Coachline are created on a connected account (Stripe-Account header).');
      const line = body.line_items?.[0];
      if (!line?.price_data?.unit_amount || !line.price_data.currency) throw new StandInError(400, 'line_items[0][price_data] is required');
      const session = {
        id: id('cs_test'),
        object: 'checkout.session',
        account,
        mode: body.mode,
        status: 'open',
        payment_status: 'unpaid',
        amount_total: Number(line.price_data.unit_amount) * Number(line.quantity ?? 1),
        currency: line.price_data.currency,
        client_reference_id: body.client_reference_id ?? null,
        customer_email: body.customer_email ?? null,
        metadata: body.metadata ?? {},
        success_url: body.success_url,
        cancel_url: body.cancel_url,
        payment_intent: null,
        subscription: null,
        customer: null,
        line_items: body.line_items,
        payment_intent_data: body.payment_intent_data,
        subscription_data: body.subscription_data,
      };
      session.url = `${base}/_stand-in/checkout/${session.id}`;
      state.sessions.set(session.id, session);
      return view(session);
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const { intent } = find(state.intents, body.payment_intent, 'payment_intent');
      const { account: owner, charge } = find(state.charges, intent.latest_charge, 'charge');
      if (charge.refunded) throw new StandInError(400, `Charge ${charge.id} has already been refunded.`);
      charge.amount_refunded = charge.amount;
      charge.refunded = true;
      const refund = { id: id('re'), object: 'refund', amount: charge.amount, currency: charge.currency, charge: charge.id, payment_intent: intent.id, status: 'succeeded', metadata: body.metadata ?? {} };
      // Stripe sends the webhook after answering.
      setImmediate(() => void emitEvents(owner, [['charge.refunded', charge]]));
      return refund;
    }
    if (method === 'DELETE' && (m = /^\/v1\/subscriptions\/([^/]+)$/.exec(path))) {
      const entry = find(state.subscriptions, m[1], 'subscription');
      if (entry.sub.status === 'canceled') throw new StandInError(400, 'The subscription is already canceled.');
      entry.sub.status = 'canceled';
      entry.sub.canceled_at = now();
      setImmediate(() => void emitEvents(entry.account, [['customer.subscription.deleted', entry.sub]]));
      return entry.sub;
    }
    if (method === 'GET' && (m = /^\/v1\/subscriptions\/([^/]+)$/.exec(path))) return find(state.subscriptions, m[1], 'subscription').sub;
    throw new StandInError(404, `The Stripe stand-in does not answer ${method} ${path}.`);
  }

  /** What a customer's browser and a test do: pay, finish onboarding, play a renewal or a cancellation, replay events. */
  async function standIn(method, url, body) {
    const path = url.pathname;
    let m;
    if (method === 'GET' && path === '/_stand-in') return { json: { standIn: 'stripe', apiVersion: API_VERSION } };
    if (method === 'GET' && (m = /^\/_stand-in\/checkout\/([^/]+)$/.exec(path))) {
      const session = find(state.sessions, m[1], 'checkout session');
      if (session.status === 'open') await completeCheckout(session, url.searchParams.get('deliver') !== 'false');
      return { redirect: session.success_url, json: { status: session.status, paymentStatus: session.payment_status } };
    }
    if (method === 'GET' && (m = /^\/_stand-in\/onboarding\/([^/]+)$/.exec(path))) {
      const account = find(state.accounts, m[1], 'account');
      Object.assign(account, { charges_enabled: true, details_submitted: true, payouts_enabled: true });
      return { redirect: url.searchParams.get('return_url') || undefined, json: { account: account.id, chargesEnabled: true } };
    }
    if (method === 'GET' && (m = /^\/_stand-in\/invoices\/([^/]+)$/.exec(path))) {
      // The hosted invoice page: visiting it pays the open invoice with a new card.
      const { account, invoice } = find(state.invoices, m[1], 'invoice');
      if (invoice.status === 'open') {
        const entry = find(state.subscriptions, invoice.parent.subscription_details.subscription, 'subscription');
        invoice.status = 'paid';
        invoice.amount_paid = invoice.amount_due;
        invoice.payment_intent = paymentIntent(account, invoice.amount_due, invoice.currency, entry.sub.metadata, invoice.customer).id;
        if (entry.sub.status !== 'canceled') entry.sub.status = 'active';
        await emitEvents(account, [['invoice.paid', invoice], ['customer.subscription.updated', entry.sub]]);
      }
      return { json: { invoice: invoice.id, status: invoice.status } };
    }
    if (method === 'POST' && path === '/_stand-in/webhook-routes') {
      if (!body.account || !body.url) throw new StandInError(400, 'account and url are required');
      state.routes.set(body.account, body.url);
      return { json: { account: body.account, url: body.url } };
    }
    if (method === 'POST' && (m = /^\/_stand-in\/subscriptions\/([^/]+)\/(renew|fail-renewal|cancel)$/.exec(path))) {
      const entry = find(state.subscriptions, m[1], 'subscription');
      const send = url.searchParams.get('deliver') !== 'false';
      const events = m[2] === 'cancel' ? await cancel(entry, { send }) : await renew(entry, { fail: m[2] === 'fail-renewal', send });
      return { json: { subscription: entry.sub, events: events.map(summary) } };
    }
    if (method === 'GET' && path === '/_stand-in/events') {
      const account = url.searchParams.get('account');
      return { json: { items: [...state.events.values()].filter((e) => !account || e.account === account).map(summary) } };
    }
    if (method === 'POST' && (m = /^\/_stand-in\/events\/([^/]+)\/deliver$/.exec(path))) {
      return { json: await deliver(find(state.events, m[1], 'event')) };
    }
    throw new StandInError(404, `No stand-in page ${method} ${path}`);
  }

  const summary = (event) => ({ id: event.id, type: event.type, created: event.created, account: event.account, object: event.data.object.id });

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', async () => {
      const url = new URL(req.url, base);
      const text = Buffer.concat(chunks).toString('utf8');
      const send = (status, value, headers = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req'), ...headers });
        res.end(JSON.stringify(value));
      };
      try {
        if (url.pathname.startsWith('/_stand-in')) {
          const body = text ? (req.headers['content-type']?.includes('json') ? JSON.parse(text) : parseForm(text)) : {};
          const { json, redirect } = await standIn(req.method, url, body);
          return redirect ? send(303, json, { location: redirect }) : send(200, json);
        }
        if (!/^Bearer sk_/.test(req.headers.authorization ?? '')) return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } });
        const body = req.method === 'GET' ? Object.fromEntries(url.searchParams) : parseForm(text);
        send(200, await api(req.method, url.pathname, body, req.headers['stripe-account']));
      } catch (error) {
        const status = error.status ?? 500;
        send(status, { error: { type: status >= 500 ? 'api_error' : 'invalid_request_error', message: error.message } });
      }
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  base = `http://${host}:${server.address().port}`;
  return {
    url: base,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
