import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { controlCharacterPaths, hasControlCharacter } from '@coachline/domain/api/common';
import { actorOf, logFieldsOf, type Actor } from '@coachline/domain/actor';
import { AppError, UnauthenticatedError, type ErrorCode } from '@coachline/domain/errors';
import type { Role } from '@coachline/domain/roles';
import type { Ack } from '@coachline/domain/socket';
import { runWithContext } from '@coachline/runtime/context';
import type { Logger } from '@coachline/runtime/logger';
import { currentTraceparent } from '@coachline/runtime/tracing';
import type { MemberAccess } from '@coachline/use-cases/identity/member-access';
import type { LiveSocket } from './socket-types';

export const failure = (code: ErrorCode, message: string): Ack => ({ ok: false, error: { code, message } });

/** The acknowledgement callback if the client sent one; events without one still run, unanswered. */
export function ackOf(args: unknown[]): (response: Ack) => void {
  const last = args[args.length - 1];
  return typeof last === 'function' ? (last as (response: Ack) => void) : () => undefined;
}

/** What every event handler needs besides its own use cases. */
export interface HandlerDeps {
  logger: Logger;
  /** The member's current role and session, checked on each event rather than believed from the handshake. */
  access: MemberAccess;
}

/**
 * Wraps an event handler: parses the payload with zod, answers `{ ok: true, ... }`
 * or `{ ok: false, error }`, and never lets an exception escape into the process.
 * Each event acts as its own Actor, built from the handshake's claims with the
 * member's current role and a request id of its own, which its log lines,
 * events and audit rows carry. A member removed (or whose session ended)
 * since the handshake is answered UNAUTHENTICATED and disconnected.
 */
export function handler<S extends z.ZodType, R extends object>(socket: LiveSocket, deps: HandlerDeps, event: string, schema: S, run: (input: z.output<S>, actor: Actor) => Promise<R>) {
  const { logger } = deps;
  return async (...args: unknown[]): Promise<void> => {
    let role: Role;
    try {
      role = await deps.access.currentRole(socket.data);
    } catch (error) {
      const reply = ackOf(args);
      if (error instanceof UnauthenticatedError) {
        reply(failure('UNAUTHENTICATED', error.message));
        // Leaving the namespace rather than closing the connection at once: the answer goes out first.
        socket.disconnect();
        return;
      }
      logger.warn('socket access check failed', { event, error: (error as Error).message });
      reply(failure('SERVICE_UNAVAILABLE', 'Try again shortly.'));
      return;
    }
    const actor = actorOf({ ...socket.data, role }, randomUUID(), currentTraceparent());
    return runWithContext(logFieldsOf(actor), () => handle(args, actor));
  };

  async function handle(args: unknown[], actor: Actor): Promise<void> {
    const reply = ackOf(args);
    const payload = args.length > 0 && typeof args[0] !== 'function' ? args[0] : undefined;
    // The same rule as HTTP input, before any schema: no string anywhere may carry a control character.
    if (hasControlCharacter(payload)) {
      const paths = controlCharacterPaths(payload).slice(0, 5);
      reply(failure('VALIDATION_FAILED', paths.map((path) => `${path || '(payload)'}: Control characters are not allowed`).join('; ')));
      return;
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      const detail = parsed.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`)
        .join('; ');
      reply(failure('VALIDATION_FAILED', detail));
      return;
    }
    try {
      reply({ ok: true, ...(await run(parsed.data, actor)) });
    } catch (error) {
      if (error instanceof AppError) {
        reply(failure(error.code, error.message));
        return;
      }
      logger.error('socket handler failed', { event, error: (error as Error).message, stack: (error as Error).stack });
      reply(failure('INTERNAL', 'Something went wrong.'));
    }
  }
}
