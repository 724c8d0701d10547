import { Parser } from '@asyncapi/parser';
import { clientEvents, serverEvents } from '@coachline/domain/socket';
import { startGateway, type Gateway } from '../testing/gateway-harness';

interface Operation {
  action: 'send' | 'receive';
  title: string;
  messages: { $ref: string }[];
  reply?: { messages: { $ref: string }[] };
}
interface Message {
  name: string;
  payload: Record<string, unknown>;
}
interface Document {
  asyncapi: string;
  servers: Record<string, { host: string; protocol: string; pathname: string }>;
  operations: Record<string, Operation>;
  channels: { live: { messages: Record<string, { $ref: string }> } };
  components: { messages: Record<string, Message>; schemas: Record<string, Record<string, unknown>> };
}

let gw: Gateway;
let doc: Document;
beforeAll(async () => {
  gw = await startGateway({ PUBLIC_APP_URL: 'https://api.northside.example' });
  const res = await gw.http().get('/asyncapi.json');
  expect(res.status).toBe(200);
  doc = res.body as Document;
});
afterAll(() => gw.close());

/** The message an operation's `$ref` (into the channel, then into components) points at. */
function messageOf(ref: { $ref: string }): Message {
  const key = ref.$ref.replace('#/channels/live/messages/', '');
  const target = doc.channels.live.messages[key]!.$ref.replace('#/components/messages/', '');
  return doc.components.messages[target]!;
}

test('the AsyncAPI parser finds the document valid, with no error and no warning', async () => {
  const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc));
  // Spectral's severities: 0 error, 1 warning, 2 information (such as "a newer AsyncAPI version exists"), 3 hint.
  const serious = diagnostics.filter((d) => Number(d.severity) <= 1);
  expect(serious.map((d) => `${d.code} at ${d.path.join('/')}: ${d.message}`)).toEqual([]);
  expect(document).toBeDefined();
  expect(document!.version()).toBe('3.0.0');
});

test('every client event is an operation the server receives, answered by its acknowledgement; every server event one it sends', () => {
  const received = Object.values(doc.operations).filter((op) => op.action === 'receive');
  const sent = Object.values(doc.operations).filter((op) => op.action === 'send');
  expect(received.map((op) => messageOf(op.messages[0]!).name).sort()).toEqual(Object.keys(clientEvents).sort());
  expect(sent.map((op) => messageOf(op.messages[0]!).name).sort()).toEqual(Object.keys(serverEvents).sort());
  for (const op of received) expect([op.title, op.reply?.messages.map((m) => messageOf(m).name)]).toEqual([op.title, [`${op.title} ack`]]);
  expect(sent.every((op) => op.reply === undefined)).toBe(true);
});

test('payloads and acknowledgements carry the fields of API.md, with the shared schemas named once', () => {
  const byName = Object.fromEntries(Object.values(doc.components.messages).map((m) => [m.name, m.payload]));
  expect(byName['set:complete']).toMatchObject({ required: expect.arrayContaining(['workoutId', 'exerciseId', 'reps', 'weightKg']), additionalProperties: false });
  expect(Object.keys(byName['set:complete']!.properties as object).sort()).toEqual(['exerciseId', 'id', 'plannedSetId', 'reps', 'rpe', 'weightKg', 'workoutId']);
  expect(byName['set:complete ack']).toEqual({
    oneOf: [
      expect.objectContaining({ properties: expect.objectContaining({ ok: expect.objectContaining({ const: true }), set: { $ref: '#/components/schemas/LoggedSet' }, progress: { $ref: '#/components/schemas/WorkoutProgress' } }) }),
      { $ref: '#/components/schemas/AckError' },
    ],
  });
  expect(byName['auth:refresh ack']).toMatchObject({ oneOf: [{ properties: { expiresAt: { type: 'string' } }, required: ['ok', 'expiresAt'] }, { $ref: '#/components/schemas/AckError' }] });
  expect(byName['set:completed']).toMatchObject({ required: ['workoutId', 'set', 'progress', 'personalRecord'] });
  expect(byName['message:new']).toEqual({ $ref: '#/components/schemas/Message' });
  expect(doc.components.schemas.Message).toMatchObject({ required: expect.arrayContaining(['id', 'conversationId', 'fromUserId', 'body', 'createdAt']) });
  expect(doc.components.schemas.LiveNotification).toMatchObject({ required: ['id', 'type', 'title', 'body', 'data'] });
  expect(byName['workout:started']).toMatchObject({ required: ['workoutId', 'athleteId', 'title'] });
  expect(byName['presence:update']).toMatchObject({ required: ['userId', 'online'] });
  expect(doc.components.schemas.AckError).toMatchObject({ properties: { ok: { const: false }, error: { required: ['code', 'message'] } } });
});

test('the server is this deployment, and the handshake token is documented', () => {
  expect(doc.servers.live).toEqual(expect.objectContaining({ host: 'api.northside.example', protocol: 'wss', pathname: '/socket.io' }));
  expect(doc.components.schemas.HandshakeAuth).toMatchObject({ required: ['token'] });
});
