/**
 * The feature-flag registry: every flag the platform evaluates, and whether a
 * tenant's ADMIN may turn it on or off for their organization. Defaults come
 * from configuration (FEATURE_FLAG_DEFAULTS); a tenant's override wins over
 * the default. Keys are stored in Postgres, so they are append-only.
 */
export const FEATURE_FLAGS = {
  /** Athletes may generate programs for themselves (POST /v1/programs/generate). */
  self_service_programs: { tenantSettable: true, default: false },
  /** Coaches see GET /v1/coach/triage. */
  coach_triage: { tenantSettable: true, default: true },
  /** Program generation as a whole (POST /v1/programs/generate); the platform's switch, not a tenant's. */
  program_generation: { tenantSettable: false, default: true },
} as const satisfies Record<string, { tenantSettable: boolean; default: boolean }>;

export type FeatureKey = keyof typeof FEATURE_FLAGS;
export const FEATURE_KEYS = Object.keys(FEATURE_FLAGS) as FeatureKey[];

export function isFeatureKey(key: string): key is FeatureKey {
  return Object.hasOwn(FEATURE_FLAGS, key);
}

/** The evaluation context every flag is resolved in: the tenant decides, the user is the targeting key. */
export interface FeatureContext {
  tenantId: string;
  userId?: string;
}
