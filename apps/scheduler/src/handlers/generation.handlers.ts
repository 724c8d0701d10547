import type { QueueHandlers } from '@coachline/runtime/queue-consumer';
import type { ProgramGenerationService } from '../generation/program-generation.service';
import { programGenerationRequestedHandler } from './program-generation-requested.handler';

/**
 * The `generation` queue, consumed in the scheduler: a generation is a few
 * milliseconds of rules over one tenant's library and a few row writes (plus
 * an optional call to a language model), so it needs no app of its own. The
 * relay gives each job its priority: a coach's before an athlete's before
 * background work.
 */
export function generationHandlers(deps: { generation: ProgramGenerationService }): QueueHandlers<'generation'> {
  return {
    jobs: {},
    events: {
      'program.generation_requested': programGenerationRequestedHandler(deps),
    },
  };
}
