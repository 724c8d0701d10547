import { accessTokenConfigSchema } from '@coachline/runtime/access-token';
import { baseConfigSchema, z } from '@coachline/runtime/config';
import { providersConfigSchema } from '@coachline/runtime/providers/providers.config';
import { loopbackNeverInProduction, outboundConfigSchema } from '@coachline/runtime/outbound-http';
import { encryptionConfigSchema } from '@coachline/runtime/secret-box';
import { storageConfigSchema } from '@coachline/runtime/storage.config';
import { triageConfigSchema } from '@coachline/runtime/triage.config';
import { FEATURE_FLAGS, FEATURE_KEYS, isFeatureKey, type FeatureKey } from '@coachline/domain/features';

const list = z
  .string()
  .default('')
  .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean));

const MiB = 1024 * 1024;

/** Upload limits and URL lifetimes; see apps/api-gateway/src/modules/media. */
const mediaConfigSchema = z.object({
  /** Largest single file; bigger uploads get 413 before any quota check. */
  MEDIA_MAX_FILE_BYTES: z.coerce.number().int().min(1).default(500 * MiB),
  /** Default per-tenant storage quota (pending uploads count); tenants.storage_quota_bytes overrides it. */
  MEDIA_TENANT_QUOTA_BYTES: z.coerce.number().int().min(0).default(10 * 1024 * MiB),
  /** Multipart part size; S3 needs at least 5 MiB for every part but the last. */
  MEDIA_PART_SIZE_BYTES: z.coerce.number().int().min(5 * MiB).max(5 * 1024 * MiB).default(8 * MiB),
  MEDIA_UPLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(1).max(7 * 24 * 3600).default(3600),
  MEDIA_PLAYBACK_URL_TTL_SECONDS: z.coerce.number().int().min(1).max(7 * 24 * 3600).default(900),
  RATE_LIMIT_UPLOADS_PER_USER_PER_HOUR: z.coerce.number().int().min(1).default(300),
});

/** Stripe, through its SDK; see modules/payments/README.md. Without a secret key the payment routes answer 503. */
const stripeConfigSchema = z.object({
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  /** The signing secret of the Connect webhook endpoint (`whsec_...`). */
  STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
  /** Another address for Stripe's API (the local stand-in); unset = api.stripe.com. */
  STRIPE_API_URL: z.url().optional(),
  /** The platform's fee on each payment, in basis points (250 = 2.5 %); 0 takes none. */
  STRIPE_APPLICATION_FEE_BPS: z.coerce.number().int().min(0).max(10_000).default(0),
});

const registryDefaults = Object.fromEntries(FEATURE_KEYS.map((key) => [key, FEATURE_FLAGS[key].default])) as Record<FeatureKey, boolean>;

/** Feature flags (see modules/features/README.md): platform defaults, which a tenant's own value overrides. */
const featureConfigSchema = z.object({
  /** `key=true,other=false`; flags left out keep the registry's default. Unknown keys fail start-up. */
  FEATURE_FLAG_DEFAULTS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const defaults = { ...registryDefaults };
      for (const pair of value.split(',').map((p) => p.trim()).filter(Boolean)) {
        const [key = '', setting = ''] = pair.split('=').map((p) => p.trim());
        if (!isFeatureKey(key) || !['true', 'false'].includes(setting)) {
          ctx.addIssue({ code: 'custom', message: `"${pair}" is not <known flag>=true|false` });
          return z.NEVER;
        }
        defaults[key] = setting === 'true';
      }
      return defaults;
    }),
  /** How long a process keeps a tenant's flag overrides before reading them again. */
  FEATURE_FLAG_CACHE_TTL_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
});

/** The analytics cache in Redis (see modules/analytics/README.md); events invalidate it, the TTL bounds what a lost invalidation costs. */
const analyticsConfigSchema = z.object({
  ANALYTICS_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** How long one computation holds a key before another process computes it too. */
  ANALYTICS_CACHE_LOCK_MS: z.coerce.number().int().min(10).max(60_000).default(3_000),
});

export const gatewayConfigSchema = baseConfigSchema.extend(accessTokenConfigSchema.shape).extend(storageConfigSchema.shape).extend(mediaConfigSchema.shape).extend(encryptionConfigSchema.shape).extend(stripeConfigSchema.shape).extend(providersConfigSchema.shape).extend(outboundConfigSchema.shape).extend(featureConfigSchema.shape).extend(analyticsConfigSchema.shape).extend(triageConfigSchema.shape).extend({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** Origins allowed by CORS; empty allows none (server-to-server and mobile clients need no CORS). */
  CORS_ORIGINS: list,
  /**
   * Which proxies' X-Forwarded-For to believe: `false` (none, the default: the
   * peer's address is the client's), a hop count, or a list of addresses/subnets
   * (`loopback`, `10.0.0.0/8`). Never `true`, which would let any client spoof its IP;
   * not `loopback` by default, since a sidecar or local process would be believed too.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .refine((v) => v.trim() !== 'true', 'Name the proxies to trust; true would believe any client')
    .transform((v): string | number | false => (v.trim() === 'false' || v.trim() === '' ? false : /^\d+$/.test(v.trim()) ? Number(v) : v)),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(7 * 24 * 3600),
  INVITATION_TTL_SECONDS: z.coerce.number().int().min(60).default(7 * 24 * 3600),
  /** Rate limits; production defaults are strict, `pnpm dev` and tests loosen them. */
  RATE_LIMIT_LOGIN_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(100),
  RATE_LIMIT_SIGNUP_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(20),
  RATE_LIMIT_INVITE_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(100),
  RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_FAILED_LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  /** Password-reset requests and confirmations per client address. */
  RATE_LIMIT_PASSWORD_RESET_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(20),
  /** Reset requests per email address, counted whether it has an account or not (so the limit tells nothing). */
  RATE_LIMIT_PASSWORD_RESETS_PER_ACCOUNT_PER_HOUR: z.coerce.number().int().min(1).default(5),
  RATE_LIMIT_USER_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_TENANT_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
  /** Reads of public calendar feeds per client address; calendar apps poll about hourly. */
  RATE_LIMIT_CALENDAR_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(600),
  /** Basic-auth credential for the operators' queue dashboard at /admin/queues ("user:password"). */
  QUEUE_DASHBOARD_CREDENTIALS: z.string().regex(/^[^:]+:.{12,}$/, 'user:password, password at least 12 characters').optional(),
  /** Failed dashboard logins per client address in 15 minutes before further attempts get 429. */
  QUEUE_DASHBOARD_FAILED_LOGINS_PER_IP: z.coerce.number().int().min(1).default(10),
  PUBLIC_APP_URL: z.url().default('http://localhost:3000'),
  /** How long a provider connect may take between the connect call and the provider's callback. */
  INTEGRATION_STATE_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(600),
}).refine(...loopbackNeverInProduction);

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
