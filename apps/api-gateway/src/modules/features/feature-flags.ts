import { randomUUID } from 'node:crypto';
import { OpenFeature, type Client } from '@openfeature/server-sdk';
import { FEATURE_KEYS, type FeatureContext, type FeatureKey } from '@coachline/domain/features';
import type { TenantFlagsProvider } from './tenant-flags.provider';

/**
 * Flag evaluation for the gateway, through OpenFeature. Each gateway binds its
 * provider to a domain of its own rather than OpenFeature's global default, so
 * two gateways in one process (tests, the benchmark) never share a provider.
 */
export class FeatureFlags {
  private readonly client: Client;

  constructor(
    private readonly provider: TenantFlagsProvider,
    private readonly defaults: Readonly<Record<FeatureKey, boolean>>,
  ) {
    const domain = `coachline-gateway-${randomUUID()}`;
    OpenFeature.setProvider(domain, provider);
    this.client = OpenFeature.getClient(domain);
  }

  /** The flag's value for the tenant; on a failed evaluation, its configured default. */
  isEnabled(context: FeatureContext, key: FeatureKey): Promise<boolean> {
    return this.client.getBooleanValue(key, this.defaults[key], { targetingKey: context.userId ?? context.tenantId, tenantId: context.tenantId });
  }

  /** Every flag's value for the tenant. */
  async all(context: FeatureContext): Promise<Record<FeatureKey, boolean>> {
    const values = await Promise.all(FEATURE_KEYS.map(async (key) => [key, await this.isEnabled(context, key)] as const));
    return Object.fromEntries(values) as Record<FeatureKey, boolean>;
  }

  /** Called after a tenant's override changed, so the next evaluation reads it. */
  changed(tenantId: string): void {
    this.provider.invalidate(tenantId);
  }
}
