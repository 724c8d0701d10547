import { sql } from 'drizzle-orm';
import { foreignKey, index, pgTable, text, unique, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { createdAt, tenantTable, ts } from './tenant-table';

const role = (name: string) => text(name, { enum: ['ADMIN', 'COACH', 'ATHLETE', 'SCHEDULER'] });

/** People are global: one person may belong to several tenants through memberships. */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    avatarMediaId: uuid('avatar_media_id'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_email_key').on(sql`lower(${t.email})`)],
);

export const memberships = tenantTable(
  'memberships',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    role: role('role').notNull(),
    createdAt: createdAt(),
    /**
     * When an ADMIN removed the member. The row stays, since the member's
     * workouts, messages and sessions still reference it; a removed member is
     * no member (see `currentMember` in ../memberships.ts), and an invitation
     * accepted later makes them one again.
     */
    removedAt: ts('removed_at'),
  },
  (t) => [unique('memberships_tenant_user_key').on(t.tenantId, t.userId), index('memberships_user_idx').on(t.userId)],
);

/** Lets composite foreign keys point at (tenant_id, user_id): a reference can never leave its tenant. */
export const membershipRef = (t: { tenantId: AnyPgColumn }, column: AnyPgColumn, name: string) =>
  foreignKey({ name, columns: [t.tenantId, column], foreignColumns: [memberships.tenantId, memberships.userId] });

export const invitations = tenantTable(
  'invitations',
  {
    email: text('email').notNull(),
    role: role('role').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** The token sealed with the secret box (context `invitations:<id>`), opened only to email it. */
    tokenSealed: text('token_sealed'),
    invitedBy: uuid('invited_by').notNull(),
    expiresAt: ts('expires_at').notNull(),
    acceptedAt: ts('accepted_at'),
    acceptedBy: uuid('accepted_by').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('invitations_token_key').on(t.tenantId, t.tokenHash),
    membershipRef(t, t.invitedBy, 'invitations_invited_by_fk'),
  ],
);

/** Stored only as hashes; a family is one login's chain of rotations. */
export const refreshTokens = tenantTable(
  'refresh_tokens',
  {
    userId: uuid('user_id').notNull(),
    familyId: uuid('family_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: ts('expires_at').notNull(),
    spentAt: ts('spent_at'),
    revokedAt: ts('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('refresh_tokens_hash_key').on(t.tenantId, t.tokenHash),
    index('refresh_tokens_family_idx').on(t.tenantId, t.familyId),
    index('refresh_tokens_expires_idx').on(t.expiresAt),
    membershipRef(t, t.userId, 'refresh_tokens_user_fk'),
  ],
);

/**
 * A password reset asked for by email: single use, short-lived, stored in the
 * tenant of the account's oldest current membership (see PasswordResetService),
 * so that its row, event and email stay under that tenant's row-level security.
 */
export const passwordResets = tenantTable(
  'password_resets',
  {
    userId: uuid('user_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** The token sealed with the secret box, opened only to email it; cleared once the reset is used. */
    tokenSealed: text('token_sealed'),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('password_resets_token_key').on(t.tenantId, t.tokenHash),
    index('password_resets_user_idx').on(t.tenantId, t.userId),
    index('password_resets_expires_idx').on(t.expiresAt),
    membershipRef(t, t.userId, 'password_resets_user_fk'),
  ],
);
