import { z } from 'zod';
import { clientEvents, handshakeAuthSchema, serverEvents } from '@coachline/domain/socket';

type JsonSchema = Record<string, unknown>;

/** `set:complete` -> `SetComplete`: AsyncAPI keys allow no colon, so messages and operations are keyed by this; `name` keeps the event's own. */
export function asyncApiKeyOf(event: string): string {
  return event
    .split(/[:\-_.]/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/**
 * Converts zod schemas to JSON Schema, gathering every schema with an id (LoggedSet,
 * WorkoutProgress, ...) once under components.schemas, as the OpenAPI document does.
 */
function schemaCollector() {
  const schemas: Record<string, JsonSchema> = {};
  const toComponents = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(toComponents);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, v]) => [key, key === '$ref' && typeof v === 'string' ? v.replace('#/definitions/', '#/components/schemas/') : toComponents(v)]),
      );
    }
    return value;
  };
  return {
    schemas,
    convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
      const { definitions, ...root } = z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' }) as JsonSchema;
      // The document's schema format is AsyncAPI's own (a JSON Schema draft 7 superset), not a dialect of the schema's choosing.
      delete root.$schema;
      for (const [id, definition] of Object.entries((definitions ?? {}) as Record<string, JsonSchema>)) schemas[id] = toComponents(definition) as JsonSchema;
      return toComponents(root) as JsonSchema;
    },
  };
}

/**
 * The AsyncAPI 3.0 document of the live socket, generated from the event maps
 * in @coachline/domain/socket that the realtime server validates with. It is
 * written from the server's side: client events are operations the server
 * `receive`s, answered by their acknowledgement as the reply; server events
 * are operations it `send`s. Socket.io runs on the same origin as the API, at
 * /socket.io.
 */
export function buildAsyncApiDocument(info: { version: string; serverUrl: string }) {
  const collector = schemaCollector();
  const url = new URL(info.serverUrl);
  const channelRef = { $ref: '#/channels/live' };
  const channelMessages: Record<string, { $ref: string }> = {};
  const messages: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};

  for (const [event, contract] of Object.entries(clientEvents)) {
    const key = asyncApiKeyOf(event);
    messages[key] = { name: event, title: event, summary: contract.description, payload: collector.convert(contract.payload, 'input') };
    messages[`${key}Ack`] = {
      name: `${event} ack`,
      title: `${event} acknowledgement`,
      summary: `The acknowledgement of \`${event}\`: \`{ ok: true, ... }\` or \`{ ok: false, error: { code, message } }\`.`,
      payload: collector.convert(contract.ack, 'output'),
    };
    channelMessages[key] = { $ref: `#/components/messages/${key}` };
    channelMessages[`${key}Ack`] = { $ref: `#/components/messages/${key}Ack` };
    operations[`receive${key}`] = {
      action: 'receive',
      channel: channelRef,
      title: event,
      summary: contract.description,
      messages: [{ $ref: `#/channels/live/messages/${key}` }],
      reply: { channel: channelRef, messages: [{ $ref: `#/channels/live/messages/${key}Ack` }] },
    };
  }
  for (const [event, contract] of Object.entries(serverEvents)) {
    const key = asyncApiKeyOf(event);
    messages[key] = { name: event, title: event, summary: contract.description, payload: collector.convert(contract.payload, 'output') };
    channelMessages[key] = { $ref: `#/components/messages/${key}` };
    operations[`send${key}`] = { action: 'send', channel: channelRef, title: event, summary: contract.description, messages: [{ $ref: `#/channels/live/messages/${key}` }] };
  }
  collector.convert(handshakeAuthSchema, 'input');

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Coachline live API',
      version: info.version,
      description:
        'Socket.io on the API\'s origin (path /socket.io). Connect with `io(url, { auth: { token: accessToken } })`; a bad token is refused at the handshake (`connect_error`). ' +
        'Every client event takes an acknowledgement callback answering `{ ok: true, ... }` or `{ ok: false, error: { code, message } }`. ' +
        'A socket closes when its access token expires unless `auth:refresh` hands it a newer one. A client that reconnects within 2 minutes with ' +
        "Socket.io's connection state recovery gets the room events it missed, after its token is checked again.",
      license: { name: 'Proprietary' },
    },
    defaultContentType: 'application/json',
    servers: {
      live: {
        host: url.host,
        protocol: url.protocol === 'https:' ? 'wss' : 'ws',
        pathname: '/socket.io',
        description: 'This deployment (PUBLIC_APP_URL), Socket.io 4',
        security: [{ $ref: '#/components/securitySchemes/handshakeToken' }],
      },
    },
    channels: {
      live: {
        address: '/',
        title: "Socket.io's default namespace",
        description: "Every event travels on the default namespace; rooms (a workout's, a user's, the tenant's coaches') decide who receives a server event.",
        servers: [{ $ref: '#/servers/live' }],
        messages: channelMessages,
      },
    },
    operations,
    components: {
      schemas: collector.schemas,
      messages,
      securitySchemes: {
        handshakeToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "The access token, sent in Socket.io's handshake `auth` object as `{ token }` (schema HandshakeAuth); clients that cannot set `auth` may send `Authorization: Bearer <token>` instead. " +
            'It is checked again when a connection is recovered; `auth:refresh` replaces it on an open socket.',
          'x-handshake-auth': { $ref: '#/components/schemas/HandshakeAuth' },
        },
      },
    },
  };
}
