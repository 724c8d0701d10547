import type { Database } from '@coachline/db/database';
import { rooms, setCompleteSchema, workoutJoinSchema, workoutLeaveSchema } from '@coachline/domain/socket';
import type { LogSetUseCase } from '@coachline/use-cases/training/log-set.use-case';
import { workoutFor } from '@coachline/use-cases/training/workout-access';
import { handler, type HandlerDeps } from '../ack';
import type { LiveSocket } from '../socket-types';

/** `workout:join`, `workout:leave` and `set:complete`: watching a workout and logging its sets live. */
export function registerWorkoutHandlers(socket: LiveSocket, db: Database, logSet: LogSetUseCase, deps: HandlerDeps): void {
  socket.on(
    'workout:join',
    handler(socket, deps, 'workout:join', workoutJoinSchema, async ({ workoutId }, actor) => {
      await db.withTenant(actor, (tx) => workoutFor(tx, actor, workoutId, 'read'));
      await socket.join(rooms.workout(actor.tenantId, workoutId));
      return {};
    }),
  );

  socket.on(
    'workout:leave',
    handler(socket, deps, 'workout:leave', workoutLeaveSchema, async ({ workoutId }, actor) => {
      await socket.leave(rooms.workout(actor.tenantId, workoutId));
      return {};
    }),
  );

  socket.on(
    'set:complete',
    handler(socket, deps, 'set:complete', setCompleteSchema, ({ workoutId, ...input }, actor) => logSet.execute(actor, workoutId, () => input)),
  );
}
