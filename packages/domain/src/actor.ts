import { permissionsOf, type Permission, type Role } from './roles';

/**
 * What one unit of tenant work is for: the tenant whose rows it may touch, and
 * the request and trace that caused it, so events, audit rows and logs written
 * on its behalf follow the action end to end. Workers build it from the event
 * or job they consume; people acting build an Actor, which is one.
 */
export interface TenantScope {
  tenantId: string;
  requestId?: string;
  traceparent?: string;
}

/** Who is acting: the one shape HTTP routes, socket handlers and sync mutations all pass to use cases. */
export interface Actor extends TenantScope {
  userId: string;
  role: Role;
  permissions: readonly Permission[];
  requestId: string;
  /** The session (refresh-token family) the access token belongs to, when it names one. */
  sessionId?: string;
}

/** The Actor for one request or socket event of the identity an access token proved. */
export function actorOf(principal: Pick<Actor, 'userId' | 'tenantId' | 'role' | 'sessionId'>, requestId: string, traceparent?: string): Actor {
  return {
    userId: principal.userId,
    tenantId: principal.tenantId,
    role: principal.role,
    permissions: permissionsOf(principal.role),
    requestId,
    ...(principal.sessionId ? { sessionId: principal.sessionId } : {}),
    ...(traceparent ? { traceparent } : {}),
  };
}

/** What a log line about a unit of work carries. */
export function logFieldsOf(actor: Actor): { requestId: string; tenantId: string; userId: string } {
  return { requestId: actor.requestId, tenantId: actor.tenantId, userId: actor.userId };
}
