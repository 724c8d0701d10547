import { z } from 'zod';
import { pageQuery, uuid } from './common';

/** Providers an athlete may connect; each has a client in `@coachline/runtime/providers`. */
export const PROVIDERS = ['strava'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export const CONNECTION_STATUSES = ['active', 'error', 'revoked'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** A provider named in the path; an unknown one names nothing (404). */
export const providerParams = z.strictObject({ provider: z.enum(PROVIDERS) });

export const connectBody = z
  .strictObject({
    /** Where the browser lands after the provider's consent; its origin must be one the platform serves (CORS origins, the app's URL). */
    returnUrl: z.url({ protocol: /^https?$/ }).max(2048).optional(),
  })
  .meta({ id: 'IntegrationConnectRequest' });

export const connectResultSchema = z.object({ authorizeUrl: z.string() }).meta({ id: 'IntegrationConnectResult' });

export const callbackQuery = z.object({
  code: z.string().min(1).max(512).optional(),
  state: z.string().min(1).max(512),
  /** Set by the provider when the athlete declined. */
  error: z.string().max(200).optional(),
  scope: z.string().max(500).optional(),
});

export const connectionSchema = z
  .object({
    id: uuid,
    provider: z.enum(PROVIDERS),
    status: z.enum(CONNECTION_STATUSES),
    lastSyncAt: z.string().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'IntegrationConnection' });

export const connectionListQuery = pageQuery;

/** Strava's subscription validation handshake: `GET ?hub.mode=subscribe&hub.challenge=&hub.verify_token=`. */
export const stravaHandshakeQuery = z.object({
  'hub.mode': z.literal('subscribe'),
  'hub.challenge': z.string().min(1).max(512),
  'hub.verify_token': z.string().min(1).max(512),
});

/** One event of Strava's push subscription, as Strava posts it. */
export const stravaEventBody = z
  .object({
    object_type: z.enum(['activity', 'athlete']),
    object_id: z.number().int(),
    aspect_type: z.enum(['create', 'update', 'delete']),
    owner_id: z.number().int(),
    subscription_id: z.number().int(),
    event_time: z.number().int(),
    updates: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'StravaEvent' });
export type StravaEvent = z.infer<typeof stravaEventBody>;
