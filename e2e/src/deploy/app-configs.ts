import { gatewayConfigSchema } from '@coachline/api-gateway/config';
import { configSchema as mediaConfigSchema } from '@coachline/media-worker/config';
import { configSchema as notificationsConfigSchema } from '@coachline/notifications-worker/config';
import { configSchema as realtimeConfigSchema } from '@coachline/realtime/config';
import { configSchema as schedulerConfigSchema } from '@coachline/scheduler/config';

/** What these checks need of a zod schema; e2e does not depend on zod itself. */
export interface Schema {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } };
}

/** Each app, the zod schema its config.ts parses the environment with, and the variable that sets its health port. */
export const APP_CONFIGS: Array<{ app: string; schema: Schema; portVar: string }> = [
  { app: 'api-gateway', schema: gatewayConfigSchema, portVar: 'PORT' },
  { app: 'realtime', schema: realtimeConfigSchema, portVar: 'REALTIME_PORT' },
  { app: 'scheduler', schema: schedulerConfigSchema, portVar: 'HEALTH_PORT' },
  { app: 'notifications-worker', schema: notificationsConfigSchema, portVar: 'HEALTH_PORT' },
  { app: 'media-worker', schema: mediaConfigSchema, portVar: 'HEALTH_PORT' },
];

/** The object schema under any transform or pipe, whose shape names every variable the app reads. */
export function objectShape(schema: Schema): Record<string, Schema> {
  let current: unknown = schema;
  while (current && typeof current === 'object' && !('shape' in current) && 'in' in current) current = current.in;
  if (!current || typeof current !== 'object' || !('shape' in current)) throw new Error('not an object schema');
  return (current as { shape: Record<string, Schema> }).shape;
}

/** The value a variable takes when it is unset, or undefined when it has no default. */
export function defaultOf(schema: Schema, key: string): unknown {
  const result = objectShape(schema)[key]?.safeParse(undefined);
  return result?.success ? result.data : undefined;
}

/** Variables the schema rejects when unset: the ones a deployment must set. */
export function requiredKeys(schema: Schema): string[] {
  return Object.entries(objectShape(schema))
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([key]) => key)
    .sort();
}
