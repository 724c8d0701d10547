import type { Database } from '@coachline/db/database';
import { workoutFor, type TrainingActor } from '@coachline/db/workout-access';
import { logSet } from '@coachline/db/workout-sets';
import { rooms, setCompleteSchema, workoutJoinSchema } from '@coachline/domain/socket';
import type { Logger } from '@coachline/runtime/logger';
import { handler } from '../ack';
import type { LiveServer, LiveSocket } from '../socket-types';

const actorOf = (socket: LiveSocket, requestId: string): TrainingActor => ({ tenantId: socket.data.tenantId, userId: socket.data.userId, role: socket.data.role, requestId });

/** `workout:join` and `set:complete`: watching a workout and logging its sets live. */
export function registerWorkoutHandlers(io: LiveServer, socket: LiveSocket, db: Database, logger: Logger): void {
  socket.on(
    'workout:join',
    handler(socket, logger, 'workout:join', workoutJoinSchema, async ({ workoutId }, requestId) => {
      const actor = actorOf(socket, requestId);
      await db.withTenant(actor, (tx) => workoutFor(tx, actor, workoutId, 'read'));
      await socket.join(rooms.workout(actor.tenantId, workoutId));
      return {};
    }),
  );

  socket.on(
    'set:complete',
    handler(socket, logger, 'set:complete', setCompleteSchema, async ({ workoutId, ...input }, requestId) => {
      const actor = actorOf(socket, requestId);
      const result = await db.withTenant(actor, (tx) => logSet(tx, actor, workoutId, input));
      // The same broadcast the gateway sends for REST-logged sets; a replay changed nothing, so announces nothing.
      if (!result.replayed) {
        io.to(rooms.workout(actor.tenantId, workoutId)).emit('set:completed', { workoutId, set: result.set, progress: result.progress, personalRecord: result.personalRecord });
      }
      return { set: result.set, progress: result.progress, personalRecord: result.personalRecord };
    }),
  );
}
