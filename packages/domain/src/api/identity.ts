import { z } from 'zod';
import { ROLES } from '../roles';
import { nameString, uuid } from './common';

/** Long enough for passphrases, short enough that hashing cannot be used to burn CPU. */
export const passwordString = z.string().min(10).max(256);
export const emailString = z.email().max(254).transform((e) => e.toLowerCase());
export const roleSchema = z.enum(ROLES);

export const signupBody = z
  .strictObject({ organizationName: nameString, name: nameString, email: emailString, password: passwordString })
  .meta({ id: 'SignupRequest', examples: [{ organizationName: 'Northside Strength', name: 'Dana Coach', email: 'dana@northside.example', password: 'correct horse battery staple' }] });

export const loginBody = z
  .strictObject({ email: emailString, password: z.string().min(1).max(256), tenantId: uuid.optional() })
  .meta({ id: 'LoginRequest', examples: [{ email: 'dana@northside.example', password: 'correct horse battery staple' }] });

export const refreshBody = z.strictObject({ refreshToken: z.string().min(1).max(512) }).meta({ id: 'RefreshRequest' });

export const invitationBody = z
  .strictObject({ email: emailString, role: roleSchema })
  .meta({ id: 'InvitationRequest' });

export const acceptInvitationBody = z
  .strictObject({ token: z.string().min(1).max(512), name: nameString, password: passwordString })
  .meta({ id: 'AcceptInvitationRequest' });

/** Asks for a password-reset email; answered 202 whatever the email, so nobody learns who has an account. */
export const passwordResetBody = z.strictObject({ email: emailString }).meta({ id: 'PasswordResetRequest' });

export const passwordResetConfirmBody = z
  .strictObject({ token: z.string().min(1).max(512), password: passwordString })
  .meta({ id: 'PasswordResetConfirmRequest' });

export const changePasswordBody = z
  .strictObject({ currentPassword: z.string().min(1).max(256), newPassword: passwordString })
  .meta({ id: 'ChangePasswordRequest' });

/** A member, named by user id in the path of member routes. */
export const memberParams = z.strictObject({ userId: uuid });

export const memberRoleBody = z.strictObject({ role: roleSchema }).meta({ id: 'MemberRoleRequest' });

export const userSchema = z.object({ id: uuid, email: z.string(), name: z.string() }).meta({ id: 'User' });
export const tenantSchema = z.object({ id: uuid, name: z.string() }).meta({ id: 'Tenant' });

export const tokenPairSchema = z
  .object({ accessToken: z.string(), refreshToken: z.string(), expiresIn: z.number().int() })
  .meta({ id: 'TokenPair' });

export const sessionSchema = z
  .object({
    user: userSchema,
    tenant: tenantSchema,
    role: roleSchema,
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().int(),
  })
  .meta({ id: 'AuthSession' });

export const meSchema = z
  .object({ user: userSchema, tenant: tenantSchema, role: roleSchema, permissions: z.array(z.string()) })
  .meta({ id: 'Me' });

export const invitationSchema = z
  .object({ id: uuid, email: z.string(), role: roleSchema, token: z.string(), expiresAt: z.string() })
  .meta({ id: 'Invitation' });

export const memberSchema = z
  .object({ userId: uuid, name: z.string(), email: z.string(), role: roleSchema })
  .meta({ id: 'Member' });

export const auditEventSchema = z
  .object({
    id: uuid,
    actorId: uuid.nullable(),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string().nullable(),
    at: z.string(),
    requestId: z.string().nullable(),
    summary: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEvent' });
