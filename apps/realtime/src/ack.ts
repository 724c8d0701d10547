import type { z } from 'zod';
import { AppError, type ErrorCode } from '@coachline/domain/errors';
import type { Ack } from '@coachline/domain/socket';
import { randomUUID } from 'node:crypto';
import { runWithContext } from '@coachline/runtime/context';
import type { Logger } from '@coachline/runtime/logger';
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
 * Each event gets a request id, carried by its log lines and audit rows.
 */
export function handler<S extends z.ZodType, R extends object>(socket: LiveSocket, logger: Logger, event: string, schema: S, run: (input: z.output<S>, requestId: string) => Promise<R>) {
  return (...args: unknown[]): Promise<void> => {
    const requestId = randomUUID();
    return runWithContext({ requestId, tenantId: socket.data.tenantId, userId: socket.data.userId }, () => handle(args, requestId));
  };

  async function handle(args: unknown[], requestId: string): Promise<void> {
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
      reply({ ok: true, ...(await run(parsed.data, requestId)) });
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
