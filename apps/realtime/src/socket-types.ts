import type { Server, Socket } from 'socket.io';
import type { ClientToServerEventsReceived, ServerToClientEvents } from '@coachline/domain/socket';
import type { AccessClaims } from '@coachline/runtime/access-token';

/**
 * What the handshake proved: the access token's claims (identity and expiry)
 * and nothing more. Each event builds its Actor from them with `actorOf`.
 */
export type SocketData = AccessClaims;

export type LiveServer = Server<ClientToServerEventsReceived, ServerToClientEvents, Record<string, never>, SocketData>;
export type LiveSocket = Socket<ClientToServerEventsReceived, ServerToClientEvents, Record<string, never>, SocketData>;
