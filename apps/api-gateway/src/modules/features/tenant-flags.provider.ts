import { LRUCache } from 'lru-cache';
import { FlagNotFoundError, InvalidContextError, StandardResolutionReasons, TypeMismatchError, type EvaluationContext, type JsonValue, type Provider, type ResolutionDetails } from '@openfeature/server-sdk';
import type { Database } from '@coachline/db/database';
import { tenantFlagOverrides } from '@coachline/db/feature-flags';
import { isFeatureKey, type FeatureKey } from '@coachline/domain/features';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Our OpenFeature provider: a flag's value is the tenant's override from
 * Postgres (`tenant_feature_flags`, under RLS) or else the configured default.
 * Overrides are cached per tenant for `cacheTtlMs`; a change made through this
 * process drops its tenant's entry at once, other processes see it within the TTL.
 */
export class TenantFlagsProvider implements Provider {
  readonly metadata = { name: 'coachline-tenant-flags' } as const;
  readonly runsOn = 'server' as const;
  private readonly cache: LRUCache<string, Map<string, boolean>>;
  /** One read per tenant at a time: concurrent evaluations share it. */
  private readonly loading = new Map<string, Promise<Map<string, boolean>>>();

  constructor(
    private readonly db: Database,
    private readonly defaults: Readonly<Record<FeatureKey, boolean>>,
    cacheTtlMs: number,
  ) {
    this.cache = new LRUCache({ max: 10_000, ttl: Math.max(1, cacheTtlMs) });
  }

  async resolveBooleanEvaluation(flagKey: string, _defaultValue: boolean, context: EvaluationContext): Promise<ResolutionDetails<boolean>> {
    if (!isFeatureKey(flagKey)) throw new FlagNotFoundError(`No flag "${flagKey}"`);
    const tenantId = context.tenantId;
    if (typeof tenantId !== 'string' || !UUID.test(tenantId)) throw new InvalidContextError('Flags are evaluated for a tenant: tenantId is missing');
    const overrides = await this.overridesOf(tenantId);
    const override = overrides.get(flagKey);
    if (override !== undefined) return { value: override, reason: StandardResolutionReasons.TARGETING_MATCH, variant: override ? 'on' : 'off' };
    const value = this.defaults[flagKey];
    return { value, reason: StandardResolutionReasons.DEFAULT, variant: value ? 'on' : 'off' };
  }

  resolveStringEvaluation(flagKey: string): Promise<ResolutionDetails<string>> {
    return Promise.reject(new TypeMismatchError(`Flag "${flagKey}" is boolean`));
  }

  resolveNumberEvaluation(flagKey: string): Promise<ResolutionDetails<number>> {
    return Promise.reject(new TypeMismatchError(`Flag "${flagKey}" is boolean`));
  }

  resolveObjectEvaluation<T extends JsonValue>(flagKey: string): Promise<ResolutionDetails<T>> {
    return Promise.reject(new TypeMismatchError(`Flag "${flagKey}" is boolean`));
  }

  /** Forgets a tenant's cached overrides, after it changed one. */
  invalidate(tenantId: string): void {
    this.cache.delete(tenantId);
    this.loading.delete(tenantId);
  }

  private async overridesOf(tenantId: string): Promise<Map<string, boolean>> {
    const cached = this.cache.get(tenantId);
    if (cached) return cached;
    let pending = this.loading.get(tenantId);
    if (!pending) {
      pending = this.db.readAsTenant({ tenantId }, (tx) => tenantFlagOverrides(tx));
      this.loading.set(tenantId, pending);
      pending
        .then((overrides) => {
          // An invalidation while the read ran means the read may predate the change: not cached.
          if (this.loading.get(tenantId) === pending) this.cache.set(tenantId, overrides);
        })
        .catch(() => undefined)
        .finally(() => {
          if (this.loading.get(tenantId) === pending) this.loading.delete(tenantId);
        });
    }
    return pending;
  }
}
