import { rooms } from '@coachline/domain/socket';
import type { LiveEmitter } from '@coachline/runtime/live-emitter';

export interface EndedSession {
  tenantId: string;
  sessionId: string;
}

/**
 * Closes open sockets on every realtime instance, through the Redis emitter
 * and the instances' adapter, once the change that ends them has committed.
 * Best effort like every live update: should the publish be lost, such a
 * socket can still do nothing, since realtime checks the current membership
 * and session on each event, and it ends when its token expires.
 */
export class LiveSessions {
  constructor(private readonly live: LiveEmitter) {}

  /** Every socket of a member in a tenant: they were removed, or connect again under their new role. */
  closeMember(tenantId: string, userId: string): void {
    this.live.in(rooms.user(tenantId, userId)).disconnectSockets(true);
  }

  /** The sockets opened with access tokens of sessions that ended (a password changed). */
  closeSessions(sessions: readonly EndedSession[]): void {
    for (const { tenantId, sessionId } of sessions) this.live.in(rooms.session(tenantId, sessionId)).disconnectSockets(true);
  }
}
