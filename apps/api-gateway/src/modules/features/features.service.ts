import { recordAudit } from '@coachline/db/audit';
import type { Database } from '@coachline/db/database';
import { setTenantFlag } from '@coachline/db/feature-flags';
import type { Actor } from '@coachline/domain/actor';
import type { setFeatureBody } from '@coachline/domain/api/features';
import { ForbiddenError, NotFoundError } from '@coachline/domain/errors';
import { FEATURE_FLAGS, isFeatureKey } from '@coachline/domain/features';
import type { LazyInput } from '@coachline/use-cases/lazy-input';
import type { z } from 'zod';
import type { FeatureFlags } from './feature-flags';

/** The caller's tenant's flags, and an ADMIN's changes to those a tenant may set. */
export class FeatureService {
  constructor(
    private readonly db: Database,
    private readonly flags: FeatureFlags,
  ) {}

  async list(actor: Actor) {
    return { flags: await this.flags.all({ tenantId: actor.tenantId, userId: actor.userId }) };
  }

  async set(actor: Actor, key: string, body: LazyInput<z.output<typeof setFeatureBody>>) {
    if (!isFeatureKey(key)) throw new NotFoundError('No such feature flag.');
    if (!FEATURE_FLAGS[key].tenantSettable) throw new ForbiddenError('This flag is set for the platform, not per organization.');
    const { enabled } = body();
    await this.db.withTenant(actor, async (tx) => {
      await setTenantFlag(tx, key, enabled, actor.userId);
      await recordAudit(tx, { actorId: actor.userId, action: 'feature_flag.set', entityType: 'feature_flag', entityId: key, summary: { enabled } });
    });
    this.flags.changed(actor.tenantId);
    return { key, enabled };
  }
}
