// A local stand-in for Strava: the OAuth endpoints (an authorize page that
// approves at once, the token endpoint, deauthorization), the athlete
// activities API with Strava's rate-limit headers, and push events. Kept in
// memory. `/_stand-in/...` lets tests and developers play Strava's other parts:
// an outage, a usage near the limit, a withdrawn grant, a push.
import { randomBytes, randomInt } from 'node:crypto';
import { createServer } from 'node:http';

const token = () => randomBytes(20).toString('hex');
const nowSeconds = () => Math.floor(Date.now() / 1000);
const QUARTER = 15 * 60_000;
const SPORTS = [
  { sport_type: 'Run', distance: 8042.3, moving_time: 2710, calories: 612 },
  { sport_type: 'Ride', distance: 30512.8, moving_time: 4380, calories: 845 },
  { sport_type: 'Swim', distance: 1500, moving_time: 1930, calories: 402 },
];

/** Three activities from the past seven days, the newest yesterday, each at 07:00 UTC. */
function sampleActivities(athleteId, nextId) {
  return SPORTS.map((sport, index) => {
    const day = new Date();
    day.setUTCHours(7, 0, 0, 0);
    day.setUTCDate(day.getUTCDate() - (1 + index * 2));
    return { id: nextId(), athleteId, name: `Morning ${sport.sport_type}`, type: sport.sport_type, start_date: day.toISOString(), elapsed_time: sport.moving_time + 120, ...sport };
  });
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  if ((req.headers['content-type'] ?? '').includes('application/json')) return JSON.parse(text);
  return Object.fromEntries(new URLSearchParams(text));
}

export async function startStravaStandIn({ port = 0, host = '127.0.0.1', clientId, clientSecret, subscriptionId, verifyToken, webhookUrl, limits = [100, 1000], log = () => undefined } = {}) {
  if (!clientId || !clientSecret) throw new Error('the Strava stand-in needs a client id and secret');
  let lastActivityId = 9_000_000_000 + randomInt(1_000_000);
  const nextId = () => ++lastActivityId;
  const state = {
    codes: new Map(),
    access: new Map(),
    refresh: new Map(),
    athletes: new Map(),
    usage: { window: 0, short: 0, day: 0 },
    failure: { status: 0, remaining: 0 },
    requests: new Map(),
    events: [],
  };

  const count = (name) => state.requests.set(name, (state.requests.get(name) ?? 0) + 1);
  const send = (res, status, body, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  /** Strava counts every API request against the application, per 15 minutes (natural quarters) and per day. */
  const rateHeaders = () => {
    const window = Math.floor(Date.now() / QUARTER);
    if (window !== state.usage.window) Object.assign(state.usage, { window, short: 0 });
    return { 'x-ratelimit-limit': limits.join(','), 'x-ratelimit-usage': `${state.usage.short},${state.usage.day}` };
  };
  const failing = () => {
    if (state.failure.remaining === 0) return 0;
    if (state.failure.remaining > 0) state.failure.remaining--;
    return state.failure.status;
  };
  const issue = (athleteId) => {
    const grant = { athleteId, accessToken: token(), refreshToken: token(), expiresAt: nowSeconds() + 6 * 3600 };
    state.access.set(grant.accessToken, grant);
    state.refresh.set(grant.refreshToken, grant);
    return grant;
  };
  const tokenAnswer = (grant, withAthlete) => ({
    token_type: 'Bearer',
    access_token: grant.accessToken,
    refresh_token: grant.refreshToken,
    expires_at: grant.expiresAt,
    expires_in: grant.expiresAt - nowSeconds(),
    ...(withAthlete ? { athlete: { id: grant.athleteId, firstname: 'Sample', lastname: `Athlete ${grant.athleteId}` } } : {}),
  });
  const revokeAthlete = (athleteId) => {
    for (const [key, grant] of state.access) if (grant.athleteId === athleteId) state.access.delete(key);
    for (const [key, grant] of state.refresh) if (grant.athleteId === athleteId) state.refresh.delete(key);
  };
  const bearer = (req, body = {}) => {
    const header = req.headers.authorization ?? '';
    const value = header.startsWith('Bearer ') ? header.slice(7) : body.access_token;
    const grant = value && state.access.get(value);
    return grant && grant.expiresAt > nowSeconds() ? grant : undefined;
  };
  const toJson = ({ athleteId, ...activity }) => ({ ...activity, athlete: { id: athleteId } });
  const summary = ({ calories, ...activity }) => toJson(activity);

  async function push(body) {
    const athleteId = Number(body.athleteId);
    const event = {
      aspect_type: body.aspectType ?? 'create',
      event_time: body.eventTime ?? nowSeconds(),
      object_id: body.objectId ?? (body.aspectType === undefined && state.athletes.has(athleteId) ? addActivity(athleteId, {}).id : nextId()),
      object_type: body.objectType ?? 'activity',
      owner_id: athleteId,
      subscription_id: body.subscriptionId ?? subscriptionId,
      updates: body.updates ?? {},
    };
    state.events.push(event);
    const target = body.callbackUrl ?? webhookUrl;
    if (!target) return { event, status: null };
    const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
    return { event, status: res.status };
  }

  function addActivity(athleteId, fields) {
    const list = state.athletes.get(athleteId) ?? [];
    const activity = { id: nextId(), athleteId, name: 'Evening Run', type: 'Run', sport_type: 'Run', start_date: new Date(Date.now() - 60_000).toISOString(), distance: 5000, moving_time: 1500, elapsed_time: 1600, calories: 380, ...fields };
    list.push(activity);
    state.athletes.set(athleteId, list);
    return activity;
  }

  async function control(req, res, url) {
    const body = req.method === 'POST' ? await readBody(req) : {};
    switch (`${req.method} ${url.pathname}`) {
      case 'POST /_stand-in/fail':
        // { status: 500, count?: n } fails the next n calls (every call when count is absent); { status: 0 } heals.
        state.failure = { status: Number(body.status ?? 0), remaining: body.status ? Number(body.count ?? -1) : 0 };
        return send(res, 200, state.failure);
      case 'POST /_stand-in/usage':
        rateHeaders();
        Object.assign(state.usage, { short: Number(body.short ?? state.usage.short), day: Number(body.day ?? state.usage.day) });
        return send(res, 200, state.usage);
      case 'POST /_stand-in/revoke':
        revokeAthlete(Number(body.athleteId));
        return send(res, 200, { revoked: Number(body.athleteId) });
      case 'POST /_stand-in/expire':
        for (const grant of state.access.values()) if (grant.athleteId === Number(body.athleteId)) grant.expiresAt = nowSeconds() - 1;
        return send(res, 200, {});
      case 'POST /_stand-in/activities':
        return send(res, 201, toJson(addActivity(Number(body.athleteId), body.activity ?? {})));
      case 'POST /_stand-in/push':
        return send(res, 200, await push(body));
      case 'POST /_stand-in/replay': {
        // Sends an earlier event again, unchanged: Strava's retries look like this.
        const event = state.events[Number(body.index ?? state.events.length - 1)];
        if (!event) return send(res, 404, { message: 'no such event' });
        const target = body.callbackUrl ?? webhookUrl;
        const answer = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
        return send(res, 200, { event, status: answer.status });
      }
      case 'GET /_stand-in/stats':
        return send(res, 200, { requests: Object.fromEntries(state.requests), usage: state.usage, grants: state.access.size });
      case 'GET /_stand-in/athletes': {
        const athleteId = Number(url.searchParams.get('id'));
        return send(res, 200, { activities: (state.athletes.get(athleteId) ?? []).map(toJson), tokens: [...state.access.values()].filter((g) => g.athleteId === athleteId).length });
      }
      default:
        return send(res, 404, { message: 'Record Not Found' });
    }
  }

  async function handle(req, res) {
    const url = new URL(req.url, 'http://stand-in');
    if (url.pathname.startsWith('/_stand-in/')) return control(req, res, url);
    const route = `${req.method} ${url.pathname.replace(/\/\d+$/, '/:id')}`;
    count(route);

    if (route === 'GET /oauth/authorize') {
      // Approves at once, as an athlete who always says yes: back to the callback with a code and the state.
      const redirectUri = url.searchParams.get('redirect_uri');
      if (url.searchParams.get('client_id') !== clientId || !redirectUri) return send(res, 400, { message: 'Bad Request', errors: [{ resource: 'Application', field: 'client_id', code: 'invalid' }] });
      const code = token();
      const athleteId = Number(url.searchParams.get('athlete_id')) || randomInt(10_000_000, 99_999_999);
      state.codes.set(code, { athleteId, redirectUri });
      const back = new URL(redirectUri);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('scope', url.searchParams.get('scope') ?? 'read');
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }

    const failure = failing();
    if (failure) return send(res, failure, { message: 'Service Unavailable' });

    if (route === 'POST /oauth/token') {
      const body = await readBody(req);
      if (body.client_id !== clientId || body.client_secret !== clientSecret) return send(res, 401, { error: 'invalid_client' });
      if (body.grant_type === 'authorization_code') {
        const pending = state.codes.get(body.code);
        state.codes.delete(body.code);
        if (!pending) return send(res, 400, { error: 'invalid_grant', error_description: 'unknown or used code' });
        if (!state.athletes.has(pending.athleteId)) state.athletes.set(pending.athleteId, sampleActivities(pending.athleteId, nextId));
        return send(res, 200, tokenAnswer(issue(pending.athleteId), true));
      }
      if (body.grant_type === 'refresh_token') {
        const grant = state.refresh.get(body.refresh_token);
        if (!grant) return send(res, 400, { error: 'invalid_grant', error_description: 'refresh token revoked or unknown' });
        state.refresh.delete(body.refresh_token);
        state.access.delete(grant.accessToken);
        return send(res, 200, tokenAnswer(issue(grant.athleteId), false));
      }
      return send(res, 400, { error: 'unsupported_grant_type' });
    }

    if (route === 'POST /oauth/deauthorize') {
      const grant = bearer(req, await readBody(req));
      if (!grant) return send(res, 401, { message: 'Authorization Error' });
      revokeAthlete(grant.athleteId);
      return send(res, 200, { access_token: grant.accessToken });
    }

    if (url.pathname.startsWith('/api/v3/')) {
      const headers = rateHeaders();
      if (state.usage.short >= limits[0] || state.usage.day >= limits[1]) return send(res, 429, { message: 'Rate Limit Exceeded' }, headers);
      state.usage.short++;
      state.usage.day++;
      const counted = rateHeaders();
      const grant = bearer(req);
      if (!grant) return send(res, 401, { message: 'Authorization Error', errors: [{ resource: 'AccessToken', field: 'access_token', code: 'invalid' }] }, counted);
      const activities = state.athletes.get(grant.athleteId) ?? [];
      if (route === 'GET /api/v3/athlete/activities') {
        const after = Number(url.searchParams.get('after') ?? 0);
        const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 200);
        const page = Math.max(Number(url.searchParams.get('page') ?? 1), 1);
        const list = activities.filter((a) => Date.parse(a.start_date) / 1000 > after).sort((a, b) => Date.parse(a.start_date) - Date.parse(b.start_date));
        return send(res, 200, list.slice((page - 1) * perPage, page * perPage).map(summary), counted);
      }
      if (route === 'GET /api/v3/activities/:id') {
        const activity = activities.find((a) => String(a.id) === url.pathname.split('/').pop());
        return activity ? send(res, 200, toJson(activity), counted) : send(res, 404, { message: 'Record Not Found' }, counted);
      }
    }
    return send(res, 404, { message: 'Record Not Found' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      log(`error: ${error.message}`);
      if (!res.headersSent) send(res, 500, { message: 'stand-in error' });
      else res.end();
    });
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const url = `http://${host}:${server.address().port}`;
  return {
    url,
    env: {
      STRAVA_CLIENT_ID: clientId,
      STRAVA_CLIENT_SECRET: clientSecret,
      STRAVA_OAUTH_URL: `${url}/oauth`,
      STRAVA_API_URL: `${url}/api/v3`,
      STRAVA_SUBSCRIPTION_ID: String(subscriptionId),
      STRAVA_WEBHOOK_VERIFY_TOKEN: verifyToken,
      COACHLINE_STRAVA_STAND_IN_URL: url,
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
