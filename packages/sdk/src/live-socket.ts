import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { CoachlineClient } from './client';
import type { AckError, ClientEvents, ServerEvents } from './generated/socket';
import { jwtExpiry } from './session-fetch';

/** The events a client emits, typed from the AsyncAPI document: each payload and the acknowledgement it gets. */
export type LiveEmitEvents = { [E in keyof ClientEvents]: (payload: ClientEvents[E]['payload'], ack: (res: ClientEvents[E]['ack']) => void) => void };
/** The events the server sends, with their payloads. */
export type LiveListenEvents = { [E in keyof ServerEvents]: (payload: ServerEvents[E]) => void };
export type LiveSocket = Socket<LiveListenEvents, LiveEmitEvents>;
/** What an acknowledgement carries besides `ok: true`: `{ set, progress, personalRecord }` for `set:complete`. */
export type LiveReply<E extends keyof ClientEvents> = Omit<Extract<ClientEvents[E]['ack'], { ok: true }>, 'ok'>;
export type LiveErrorCode = AckError['error']['code'];

/** The server refused a client event: `code` is the stable reason (`FORBIDDEN`, `VALIDATION_FAILED`, ...), as in HTTP problems. */
export class LiveAckError extends Error {
  override readonly name = 'LiveAckError';
  readonly code: LiveErrorCode;
  constructor(
    readonly event: keyof ClientEvents,
    error: AckError['error'],
  ) {
    super(error.message);
    this.code = error.code;
  }
}

export interface LiveOptions {
  /** The realtime server's origin (the API's, behind the usual proxy). */
  url: string;
  /** Hand the socket a new access token this long before the one it holds expires (default 60 s). */
  refreshAheadMs?: number;
  /** How long `request` waits for an acknowledgement (default 10 s). */
  requestTimeoutMs?: number;
  /** Passed to socket.io-client; `auth` is the SDK's own. */
  socketOptions?: Partial<Omit<ManagerOptions & SocketOptions, 'auth'>>;
}

export interface LiveConnection {
  /** The typed socket.io-client socket, for what the methods below do not cover (`connect`, `disconnect` events). */
  socket: LiveSocket;
  /** Resolves once connected; rejects with the handshake's refusal (`UNAUTHENTICATED` in `message`). */
  connected(): Promise<void>;
  /** Listens to a server event until the returned function is called. */
  on<E extends keyof ServerEvents>(event: E, listener: (payload: ServerEvents[E]) => void): () => void;
  /** Emits a client event and resolves with its acknowledgement's fields, or rejects with a LiveAckError carrying its code. */
  request<E extends keyof ClientEvents>(event: E, payload: ClientEvents[E]['payload']): Promise<LiveReply<E>>;
  /** Closes the socket and stops following the session. */
  close(): void;
}

/** `setTimeout` cannot wait longer than 2^31 - 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A socket that lives as long as the session: the handshake takes the
 * session's current access token (refreshed first when it is about to lapse),
 * so every reconnection uses a valid one; whenever the session gets new tokens,
 * and before the token the socket holds expires, the new one is handed over
 * with `auth:refresh`, so the server never closes the socket for an expired
 * token. Socket.io's connection state recovery works as usual: a socket back
 * within the server's window gets its rooms and the events it missed; one that
 * is not recovered (or that the server closed) joins the workouts it was
 * watching again.
 */
export function connectLive(client: CoachlineClient, options: LiveOptions): LiveConnection {
  const refreshAheadMs = options.refreshAheadMs ?? 60_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  let closed = false;
  /** Seconds since the epoch at which the server closes the socket unless handed a newer token. */
  let socketExpiry: number | undefined;
  let renewTimer: ReturnType<typeof setTimeout> | undefined;
  let lastHandedOver: string | undefined;
  const watching = new Set<string>();

  const socket: LiveSocket = io(options.url, {
    ...options.socketOptions,
    auth: (send) => {
      client.accessToken(refreshAheadMs).then(
        (token) => {
          socketExpiry = token ? jwtExpiry(token) : undefined;
          lastHandedOver = token;
          send({ token });
        },
        // A refresh that failed: the handshake then fails as unauthenticated, and the app hears connect_error.
        () => send({}),
      );
    },
  });

  function scheduleRenewal(): void {
    clearTimeout(renewTimer);
    if (closed || socketExpiry === undefined) return;
    const remaining = socketExpiry * 1000 - Date.now();
    // At most half the remaining life ahead: a token that lives less than refreshAheadMs is not renewed over and over.
    const due = Math.min(MAX_TIMER_MS, Math.max(0, remaining - Math.min(refreshAheadMs, remaining / 2)));
    renewTimer = setTimeout(() => {
      // A token that outlives the socket's: the session's newer one, or a refresh (whose announcement hands it over too).
      const outliving = socketExpiry === undefined ? refreshAheadMs : socketExpiry * 1000 - Date.now() + 1_000;
      client.accessToken(outliving).then(
        (token) => {
          if (token) handOver(token);
        },
        () => undefined,
      );
    }, due);
  }

  function handOver(token: string): void {
    if (closed || !socket.connected || token === lastHandedOver) return;
    lastHandedOver = token;
    request('auth:refresh', { token }).then(
      ({ expiresAt }) => {
        socketExpiry = Math.floor(Date.parse(expiresAt) / 1000);
        scheduleRenewal();
      },
      // Refused or unanswered: the session's next token is tried, and should the server close the socket, it connects again with a current one.
      () => undefined,
    );
  }

  async function request<E extends keyof ClientEvents>(event: E, payload: ClientEvents[E]['payload']): Promise<LiveReply<E>> {
    const untyped = socket as unknown as Socket;
    const ack = (await untyped.timeout(requestTimeoutMs).emitWithAck(event, payload)) as ClientEvents[E]['ack'];
    if (!ack.ok) throw new LiveAckError(event, ack.error);
    const { workoutId } = payload as { workoutId?: string };
    if (event === 'workout:join' && workoutId) watching.add(workoutId);
    if (event === 'workout:leave' && workoutId) watching.delete(workoutId);
    const reply: Record<string, unknown> = { ...ack };
    delete reply.ok;
    return reply as LiveReply<E>;
  }

  const unsubscribe = client.subscribeTokens((tokens) => handOver(tokens.accessToken));

  socket.on('connect', () => {
    scheduleRenewal();
    if (socket.recovered) return;
    for (const workoutId of watching) {
      socket.emit('workout:join', { workoutId }, (ack) => {
        if (!ack.ok) watching.delete(workoutId);
      });
    }
  });
  socket.on('disconnect', (reason) => {
    clearTimeout(renewTimer);
    // The server closed this socket (its token lapsed, say); others reconnect on their own. A refused handshake ends it.
    if (reason === 'io server disconnect' && !closed) socket.connect();
  });

  return {
    socket,
    connected() {
      if (socket.connected) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const onConnect = () => {
          socket.off('connect_error', onError);
          resolve();
        };
        const onError = (error: Error) => {
          socket.off('connect', onConnect);
          reject(error);
        };
        socket.once('connect', onConnect);
        socket.once('connect_error', onError);
      });
    },
    on(event, listener) {
      const untyped = socket as unknown as Socket;
      untyped.on(event, listener as never);
      return () => untyped.off(event, listener as never);
    },
    request,
    close() {
      closed = true;
      clearTimeout(renewTimer);
      unsubscribe();
      socket.disconnect();
    },
  };
}
