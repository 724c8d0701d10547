import { pageOf, pageQuery } from '@coachline/domain/api/common';
import { auditEventSchema } from '@coachline/domain/api/identity';
import { route, type AnyRoute } from '../../http/route';
import type { AuditService } from './audit.service';
import { statsSchema } from '@coachline/domain/api/admin';
import type { StatsService } from './stats.service';

export function adminRoutes(audit: AuditService, stats: StatsService): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/v1/admin/audit-events',
      summary: 'Every mutation in the tenant, newest first',
      tags: ['Admin'],
      access: 'audit:read',
      query: pageQuery,
      responses: { 200: { description: 'Audit events', schema: pageOf(auditEventSchema) } },
      handler: async ({ actor, query }) => ({ status: 200, body: await audit.list(actor, query) }),
    }),
    route({
      method: 'get',
      path: '/v1/admin/stats',
      summary: "The tenant's counts and the shared queues' depths (counts only)",
      tags: ['Admin'],
      access: 'tenant:admin',
      responses: { 200: { description: 'Stats', schema: statsSchema } },
      handler: async ({ actor }) => ({ status: 200, body: await stats.stats(actor) }),
    }),
  ];
}
