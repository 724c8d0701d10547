import type { Server, Socket } from 'socket.io';
import type { Role } from '@coachline/domain/roles';
import type { ClientToServerEvents, ServerToClientEvents } from '@coachline/domain/socket';

/** What the handshake proved about the socket's user. */
export interface SocketData {
  userId: string;
  tenantId: string;
  role: Role;
  /** Token expiry, seconds since the epoch. */
  expiresAt: number;
}

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
