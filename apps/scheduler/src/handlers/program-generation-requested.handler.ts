import type { EventHandler } from '@coachline/runtime/queue-consumer';
import type { ProgramGenerationService } from '../generation/program-generation.service';

/** generation queue, event `program.generation_requested`: generate the program the job's row asks for. */
export function programGenerationRequestedHandler(deps: { generation: ProgramGenerationService }): EventHandler<'program.generation_requested'> {
  return (event) => deps.generation.generate(event);
}
