import { rooms, type LiveNotification } from '@coachline/domain/socket';
import type { LiveEmitter } from '@coachline/runtime/live-emitter';

export interface LiveDelivery {
  notify(tenantId: string, userId: string, notification: LiveNotification): void;
  workoutStarted(tenantId: string, workout: { workoutId: string; athleteId: string; title: string | null }): void;
}

/**
 * `notification:new` to a user's connections, and `workout:started` to a tenant's coaches, on any realtime server, through
 * the platform's one live emitter (runtime's, which reports a failed publish
 * rather than throwing: a live notification follows a commit and is best effort).
 */
export function createLiveDelivery(emitter: LiveEmitter): LiveDelivery {
  return {
    notify(tenantId, userId, notification) {
      emitter.to(rooms.user(tenantId, userId)).emit('notification:new', notification);
    },
    workoutStarted(tenantId, workout) {
      emitter.to(rooms.coaches(tenantId)).emit('workout:started', workout);
    },
  };
}
