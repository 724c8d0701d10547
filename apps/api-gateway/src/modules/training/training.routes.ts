import { idParams, pageOf, pageQuery } from '@coachline/domain/api/common';
import {
  assignmentBody,
  assignmentSchema,
  exerciseBody,
  exerciseQuery,
  exerciseSchema,
  programBody,
  programSchema,
  programSummarySchema,
} from '@coachline/domain/api/training';
import { route, type AnyRoute } from '../../http/route';
import type { ExerciseService } from './exercise.service';
import type { ProgramService } from './program.service';

/** The exercise library and programs. */
export function trainingRoutes(exercises: ExerciseService, programs: ProgramService): AnyRoute[] {
  const tags = ['Training'];
  return [
    route({
      method: 'get',
      path: '/v1/exercises',
      summary: "The tenant's exercise library; q matches part of the name, case-insensitively",
      tags,
      access: 'exercise:read',
      query: exerciseQuery,
      responses: { 200: { description: 'Exercises', schema: pageOf(exerciseSchema) } },
      handler: async ({ actor, query }) => ({ status: 200, body: await exercises.list(actor, query) }),
    }),
    route({
      method: 'post',
      path: '/v1/exercises',
      summary: 'Add an exercise to the library',
      tags,
      access: 'exercise:write',
      body: exerciseBody,
      responses: { 201: { description: 'Created', schema: exerciseSchema } },
      handler: async ({ actor, body }) => ({ status: 201, body: await exercises.create(actor, body) }),
    }),
    route({
      method: 'post',
      path: '/v1/programs',
      summary: 'Create a program of days and planned sets',
      tags,
      access: 'program:write',
      body: programBody,
      responses: { 201: { description: 'Created', schema: programSchema } },
      handler: async ({ actor, body }) => ({ status: 201, body: await programs.create(actor, body) }),
    }),
    route({
      method: 'get',
      path: '/v1/programs',
      summary: "The tenant's programs",
      tags,
      access: 'program:read',
      query: pageQuery,
      responses: { 200: { description: 'Programs', schema: pageOf(programSummarySchema) } },
      handler: async ({ actor, query }) => ({ status: 200, body: await programs.list(actor, query) }),
    }),
    route({
      method: 'get',
      path: '/v1/programs/:id',
      summary: 'One program with its days and planned sets',
      tags,
      access: 'program:read',
      params: idParams,
      responses: { 200: { description: 'Program', schema: programSchema } },
      handler: async ({ actor, params }) => ({ status: 200, body: await programs.get(actor, params.id) }),
    }),
    route({
      method: 'post',
      path: '/v1/programs/:id/assignments',
      summary: 'Assign a program to an athlete',
      tags,
      access: 'program:assign',
      params: idParams,
      body: assignmentBody,
      deferInput: true,
      responses: { 201: { description: 'Assigned', schema: assignmentSchema } },
      handler: async ({ actor, params, body }) => ({ status: 201, body: await programs.assign(actor, params.id, body) }),
    }),
  ];
}
