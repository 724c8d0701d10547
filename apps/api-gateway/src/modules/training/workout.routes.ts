
import { idParams, pageOf } from '@coachline/domain/api/common';
import {
  athleteProgressSchema,
  bodyMetricBody,
  bodyMetricQuery,
  bodyMetricSchema,
  completedWorkoutSchema,
  logSetBody,
  logSetResultSchema,
  progressQuery,
  progressWindowDescription,
  updateSetBody,
  updateSetResultSchema,
  workoutBody,
  workoutListItemSchema,
  workoutQuery,
  workoutSchema,
  workoutSetParams,
} from '@coachline/domain/api/training';
import type { AddBodyMetricUseCase } from '@coachline/use-cases/training/add-body-metric.use-case';
import type { CompleteWorkoutUseCase } from '@coachline/use-cases/training/complete-workout.use-case';
import type { DeleteSetUseCase } from '@coachline/use-cases/training/delete-set.use-case';
import type { LogSetUseCase } from '@coachline/use-cases/training/log-set.use-case';
import type { StartWorkoutUseCase } from '@coachline/use-cases/training/start-workout.use-case';
import type { UpdateSetUseCase } from '@coachline/use-cases/training/update-set.use-case';
import { route, type AnyRoute } from '../../http/route';
import type { ProgressService } from './progress.service';
import type { WorkoutService } from './workout.service';

/** Workouts, set logging, progress and body metrics. */
export interface WorkoutUseCases {
  start: StartWorkoutUseCase;
  logSet: LogSetUseCase;
  complete: CompleteWorkoutUseCase;
  addBodyMetric: AddBodyMetricUseCase;
  updateSet: UpdateSetUseCase;
  deleteSet: DeleteSetUseCase;
}

export function workoutRoutes(workouts: WorkoutService, progress: ProgressService, useCases: WorkoutUseCases): AnyRoute[] {
  const tags = ['Training'];
  return [
    route({
      method: 'post',
      path: '/v1/workouts',
      summary: 'Start a workout, from a program day or ad hoc; coaches may start one for an athlete',
      tags,
      access: 'workout:write',
      body: workoutBody,
      responses: { 201: { description: 'Started', schema: workoutSchema } },
      handler: async ({ actor, body }) => ({ status: 201, body: await useCases.start.execute(actor, body) }),
    }),
    route({
      method: 'get',
      path: '/v1/workouts',
      summary: 'Workouts, newest first; athletes see only their own',
      tags,
      access: 'workout:read',
      query: workoutQuery,
      responses: { 200: { description: 'Workouts', schema: pageOf(workoutListItemSchema) } },
      handler: async ({ actor, query }) => ({ status: 200, body: await workouts.list(actor, query) }),
    }),
    route({
      method: 'get',
      path: '/v1/workouts/:id',
      summary: 'One workout with its planned and logged sets',
      tags,
      access: 'workout:read',
      params: idParams,
      responses: { 200: { description: 'Workout', schema: workoutSchema } },
      handler: async ({ actor, params }) => ({ status: 200, body: await workouts.get(actor, params.id) }),
    }),
    route({
      method: 'post',
      path: '/v1/workouts/:id/sets',
      summary: 'Log a set; a client-generated id makes replays safe',
      tags,
      access: 'workout:write',
      params: idParams,
      body: logSetBody,
      deferInput: true,
      responses: { 201: { description: 'Logged (or the stored set, for a replayed id)', schema: logSetResultSchema }, 409: { description: 'The workout is completed' } },
      handler: async ({ actor, params, body }) => ({ status: 201, body: await useCases.logSet.execute(actor, params.id, body) }),
    }),
    route({
      method: 'patch',
      path: '/v1/workouts/:id/sets/:setId',
      summary: 'Correct a logged set while the workout runs or within 24 h of its completion; records are judged again',
      tags,
      access: 'workout:write',
      params: workoutSetParams,
      body: updateSetBody,
      deferInput: true,
      responses: { 200: { description: 'Corrected', schema: updateSetResultSchema }, 409: { description: 'The workout was completed more than 24 hours ago' } },
      handler: async ({ actor, params, body }) => ({ status: 200, body: await useCases.updateSet.execute(actor, params.id, params.setId, body) }),
    }),
    route({
      method: 'delete',
      path: '/v1/workouts/:id/sets/:setId',
      summary: 'Delete a logged set while the workout runs or within 24 h of its completion; records are judged again',
      tags,
      access: 'workout:write',
      params: workoutSetParams,
      responses: { 204: { description: 'Deleted' }, 409: { description: 'The workout was completed more than 24 hours ago' } },
      handler: async ({ actor, params }) => {
        await useCases.deleteSet.execute(actor, params.id, params.setId);
        return { status: 204 };
      },
    }),
    route({
      method: 'post',
      path: '/v1/workouts/:id/complete',
      summary: 'Complete a workout and get its summary',
      tags,
      access: 'workout:write',
      params: idParams,
      responses: { 200: { description: 'Completed', schema: completedWorkoutSchema }, 409: { description: 'Already completed' } },
      handler: async ({ actor, params }) => ({ status: 200, body: await useCases.complete.execute(actor, params.id) }),
    }),
    route({
      method: 'get',
      path: '/v1/athletes/:id/progress',
      summary: "An athlete's records, e1RM series and weekly volume",
      description: progressWindowDescription,
      tags,
      access: 'workout:read',
      params: idParams,
      query: progressQuery,
      deferInput: true,
      responses: { 200: { description: 'Progress', schema: athleteProgressSchema } },
      handler: async ({ actor, params, query }) => ({ status: 200, body: await progress.progress(actor, params.id, query) }),
    }),
    route({
      method: 'post',
      path: '/v1/body-metrics',
      summary: "Record the caller's body weight and body fat",
      tags,
      access: 'body-metric:write',
      body: bodyMetricBody,
      responses: { 201: { description: 'Recorded', schema: bodyMetricSchema } },
      handler: async ({ actor, body }) => ({ status: 201, body: await useCases.addBodyMetric.execute(actor, body) }),
    }),
    route({
      method: 'get',
      path: '/v1/body-metrics',
      summary: "Body metrics, newest first: the caller's, or an athlete's for COACH and ADMIN",
      tags,
      access: 'body-metric:read',
      query: bodyMetricQuery,
      responses: { 200: { description: 'Body metrics', schema: pageOf(bodyMetricSchema) } },
      handler: async ({ actor, query }) => ({ status: 200, body: await progress.listBodyMetrics(actor, query) }),
    }),
  ];
}

