import { integer, jsonb, text, uuid } from 'drizzle-orm/pg-core';
import type { GenerationInput } from '@coachline/domain/api/generation';
import { membershipRef } from './identity.table';
import { createdAt, tenantTable, ts } from './tenant-table';

/**
 * One program generation: the request, where it stands and what it made. The
 * API answers GET /v1/generation-jobs/:id from here, never from the queue, so
 * the state survives Redis; the queue only carries the row's id.
 */
export const generationJobs = tenantTable(
  'generation_jobs',
  {
    requestedBy: uuid('requested_by').notNull(),
    /** The athlete the program is for, when one was named. */
    athleteId: uuid('athlete_id'),
    source: text('source', { enum: ['coach', 'athlete', 'background'] }).notNull(),
    input: jsonb('input').$type<GenerationInput>().notNull(),
    status: text('status', { enum: ['queued', 'running', 'succeeded', 'failed'] }).notNull().default('queued'),
    progress: integer('progress').notNull().default(0),
    programId: uuid('program_id'),
    error: text('error'),
    createdAt: createdAt(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [membershipRef(t, t.requestedBy, 'generation_jobs_requested_by_fk'), membershipRef(t, t.athleteId, 'generation_jobs_athlete_fk')],
);
