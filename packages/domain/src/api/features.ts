import { z } from 'zod';

/** Every flag's value for the caller's tenant. */
export const featuresSchema = z.object({ flags: z.record(z.string(), z.boolean()) }).meta({ id: 'FeatureFlags' });

export const featureKeyParams = z.strictObject({ key: z.string().min(1).max(100) });

export const setFeatureBody = z.strictObject({ enabled: z.boolean() }).meta({ id: 'SetFeatureFlag' });

export const featureSchema = z.object({ key: z.string(), enabled: z.boolean() }).meta({ id: 'FeatureFlag' });
