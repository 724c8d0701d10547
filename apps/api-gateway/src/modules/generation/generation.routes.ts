import { idParams } from '@coachline/domain/api/common';
import { generateProgramBody, generationAcceptedSchema, generationJobSchema } from '@coachline/domain/api/generation';
import { route, type AnyRoute } from '../../http/route';
import type { GenerationService } from './generation.service';

export function generationRoutes(generation: GenerationService): AnyRoute[] {
  const tags = ['Program generation'];
  return [
    route({
      method: 'post',
      path: '/v1/programs/generate',
      summary: 'Queue the generation of a program from rules (split, exercises, volume, rest, progression); follow it at /v1/generation-jobs/:id',
      tags,
      // Who may ask depends on the role and, for athletes, on a tenant flag: the service decides, before judging the body.
      access: 'authenticated',
      body: generateProgramBody,
      deferInput: true,
      responses: {
        202: { description: 'Queued', schema: generationAcceptedSchema },
        403: { description: 'Not a COACH or ADMIN, or an athlete where self-service programs are off or for someone else' },
      },
      handler: async ({ actor, body }) => ({ status: 202, body: await generation.request(actor, body) }),
    }),
    route({
      method: 'get',
      path: '/v1/generation-jobs/:id',
      summary: 'Where a program generation stands; programId once it succeeded',
      tags,
      access: 'authenticated',
      params: idParams,
      responses: { 200: { description: 'The job', schema: generationJobSchema }, 404: { description: 'No such job for the caller' } },
      handler: async ({ actor, params }) => ({ status: 200, body: await generation.get(actor, params.id) }),
    }),
  ];
}
