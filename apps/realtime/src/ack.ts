import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { actorOf, logFieldsOf, type Actor } from '@coachline/domain/actor';
import { AppError, type ErrorCode } from '@coachline/domain/errors';
import type { Ack } from '@coachline/domain/socket';
import { runWithContext } from '@coachline/runtime/context';
import type { Logger } from '@coachline/runtime/logger';
import { currentTraceparent } from '@coachline/runtime/tracing';
import type { LiveSocket } from './socket-types';

export const failure = (code: ErrorCode, message: string): Ack => ({ ok: false, error: { code, message } });

/** The acknowledgement callback if the client sent one; events without one still run, unanswered. */
export function ackOf(args: unknown[]): (response: Ack) => void {
  const last = args[args.length - 1];
  return typeof last === 'function' ? (last as (response: Ack) => void) : () => undefined;
}

/**
 * Wraps an event handler: parses the payload with zod, answers `{ ok: true, ... }`
 * or `{ ok: false, error }`, and never lets an exception escape into the process.
 * Each event acts as its own Actor, built from the handshake's claims with a
 * request id of its own, which its log lines, events and audit rows carry.
 */
export function handler<S extends z.ZodType, R extends object>(socket: LiveSocket, logger: Logger, event: string, schema: S, run: (input: z.output<S>, actor: Actor) => Promise<R>) {
  return (...args: unknown[]): Promise<void> => {
    const actor = actorOf(socket.data, randomUUID(), currentTraceparent());
    return runWithContext(logFieldsOf(actor), () => handle(args, actor));
  };

  async function handle(args: unknown[], actor: Actor): Promise<void> {
    const reply = ackOf(args);
    const parsed = schema.safeParse(args.length > 0 && typeof args[0] !== 'function' ? args[0] : undefined);
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
