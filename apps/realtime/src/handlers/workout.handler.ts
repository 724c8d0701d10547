import type { Database } from '@coachline/db/database';
import { rooms, setCompleteSchema, workoutJoinSchema } from '@coachline/domain/socket';
import type { Logger } from '@coachline/runtime/logger';
import type { LogSetUseCase } from '@coachline/use-cases/training/log-set.use-case';
import { workoutFor } from '@coachline/use-cases/training/workout-access';
import { handler } from '../ack';
import type { LiveSocket } from '../socket-types';

/** `workout:join` and `set:complete`: watching a workout and logging its sets live. */
export function registerWorkoutHandlers(socket: LiveSocket, db: Database, logSet: LogSetUseCase, logger: Logger): void {
  socket.on(
    'workout:join',
    handler(socket, logger, 'workout:join', workoutJoinSchema, async ({ workoutId }, actor) => {
      await db.withTenant(actor, (tx) => workoutFor(tx, actor, workoutId, 'read'));
      await socket.join(rooms.workout(actor.tenantId, workoutId));
      return {};
    }),
  );

  socket.on(
    'set:complete',
    handler(socket, logger, 'set:complete', setCompleteSchema, ({ workoutId, ...input }, actor) => logSet.execute(actor, workoutId, () => input)),
  );
}
