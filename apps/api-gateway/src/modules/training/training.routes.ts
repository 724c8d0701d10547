import { idParams, pageOf, pageQuery } from '@coachline/domain/api/common';
import {
  assignmentBody,
  assignmentSchema,
  exerciseBody,
  exerciseQuery,
  exerciseSchema,
  myAssignmentSchema,
  programBody,
  programSchema,
  programSummarySchema,
  programUpdateBody,
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
    route({
      method: 'get',
      path: '/v1/programs/:id/assignments',
      summary: "A program's assignments, oldest first",
      tags,
      access: 'program:assign',
      params: idParams,
      query: pageQuery,
      deferInput: true,
      responses: { 200: { description: 'Assignments', schema: pageOf(assignmentSchema) } },
      handler: async ({ actor, params, query }) => ({ status: 200, body: await programs.assignments(actor, params.id, query) }),
    }),
    route({
      method: 'get',
      path: '/v1/me/assignments',
      summary: "The caller's program assignments, each with its program",
      tags,
      access: 'program:read',
      query: pageQuery,
      responses: { 200: { description: 'Assignments', schema: pageOf(myAssignmentSchema) } },
      handler: async ({ actor, query }) => ({ status: 200, body: await programs.myAssignments(actor, query) }),
    }),
    route({
      method: 'patch',
      path: '/v1/programs/:id',
      summary: "Change a program: fields not sent keep their values, days sent replace all its days",
      tags,
      access: 'program:write',
      params: idParams,
      body: programUpdateBody,
      deferInput: true,
      responses: { 200: { description: 'Changed', schema: programSchema } },
      handler: async ({ actor, params, body }) => ({ status: 200, body: await programs.update(actor, params.id, body) }),
    }),
    route({
      method: 'delete',
      path: '/v1/programs/:id',
      summary: 'Delete a program and its assignments; workouts already logged from it stay',
      tags,
      access: 'program:write',
      params: idParams,
      responses: { 204: { description: 'Deleted' }, 409: { description: 'A product sells the program' } },
      handler: async ({ actor, params }) => {
        await programs.remove(actor, params.id);
        return { status: 204 };
      },
    }),
  ];
}
