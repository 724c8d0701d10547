import { syncChangesQuery, syncChangesSchema, syncMutationsBody, syncMutationsSchema } from '@coachline/domain/api/sync';
import { route, type AnyRoute } from '../../http/route';
import type { SyncChangesService } from './sync-changes.service';
import type { SyncMutationsService } from './sync-mutations.service';

/** Offline sync: catching up on changes, and sending a queue of mutations. */
export function syncRoutes(changes: SyncChangesService, mutations: SyncMutationsService): AnyRoute[] {
  const tags = ['Sync'];
  return [
    route({
      method: 'get',
      path: '/v1/sync/changes',
      summary: 'Everything the caller may see that changed after the cursor, oldest first, deletions included; no cursor: a full snapshot',
      tags,
      access: 'authenticated',
      query: syncChangesQuery,
      responses: { 200: { description: 'Changes, and the cursor for the next call', schema: syncChangesSchema } },
      handler: async ({ actor, query }) => ({ status: 200, body: await changes.changes(actor, query) }),
    }),
    route({
      method: 'post',
      path: '/v1/sync/mutations',
      summary: "Apply a client's queued mutations in order, each once by its clientMutationId; a refused one does not stop the rest",
      tags,
      access: 'authenticated',
      body: syncMutationsBody,
      responses: { 200: { description: 'One result per mutation, in order', schema: syncMutationsSchema } },
      handler: async ({ actor, body }) => ({ status: 200, body: await mutations.apply(actor, body.mutations) }),
    }),
  ];
}
