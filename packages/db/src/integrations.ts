import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import type { SystemTx, TenantTx } from './database';
import { integrationConnections, integrationOauthStates, integrationPushEvents, workouts } from './schema/index';

/**
 * Queries of the integrations area, shared by the gateway (connect, callback,
 * pushes) and the scheduler's integrations consumer (syncs).
 */

export type ConnectionRow = typeof integrationConnections.$inferSelect;
type ConnectionPatch = Partial<Omit<typeof integrationConnections.$inferInsert, 'tenantId' | 'id' | 'userId' | 'provider' | 'providerAccountId'>>;

export async function insertOauthState(tx: TenantTx, row: Omit<typeof integrationOauthStates.$inferInsert, 'tenantId'>): Promise<void> {
  await tx.insert(integrationOauthStates).values({ ...row, tenantId: tx.scope.tenantId });
}

/** Takes a state by its hash, once: the row is deleted in the same statement, so a second use finds nothing. */
export async function takeOauthState(tx: TenantTx, stateHash: string) {
  const [row] = await tx
    .delete(integrationOauthStates)
    .where(and(eq(integrationOauthStates.tenantId, tx.scope.tenantId), eq(integrationOauthStates.stateHash, stateHash)))
    .returning();
  return row;
}

/** A new connection, or the athlete's earlier one to the same account made active again (its imports stay deduplicated). */
export async function upsertConnection(
  tx: TenantTx,
  row: Omit<typeof integrationConnections.$inferInsert, 'tenantId' | 'status' | 'createdAt' | 'updatedAt'>,
): Promise<{ id: string; created: boolean }> {
  const [saved] = await tx
    .insert(integrationConnections)
    .values({ ...row, tenantId: tx.scope.tenantId, status: 'active' })
    .onConflictDoUpdate({
      target: [integrationConnections.tenantId, integrationConnections.userId, integrationConnections.provider, integrationConnections.providerAccountId],
      set: {
        status: 'active',
        accessTokenSealed: sql`excluded.access_token_sealed`,
        refreshTokenSealed: sql`excluded.refresh_token_sealed`,
        tokenKeyId: sql`excluded.token_key_id`,
        accessTokenExpiresAt: sql`excluded.access_token_expires_at`,
        scope: sql`excluded.scope`,
        lastError: null,
        updatedAt: sql`now()`,
      },
    })
    .returning({ id: integrationConnections.id, inserted: sql<boolean>`(xmax = 0)` });
  return { id: saved!.id, created: saved!.inserted };
}

export async function findConnection(tx: TenantTx, id: string): Promise<ConnectionRow | undefined> {
  const [row] = await tx
    .select()
    .from(integrationConnections)
    .where(and(eq(integrationConnections.tenantId, tx.scope.tenantId), eq(integrationConnections.id, id)));
  return row;
}

/** The connection, locked until the transaction ends: two syncs never refresh one grant at once. */
export async function lockConnection(tx: TenantTx, id: string): Promise<ConnectionRow | undefined> {
  const [row] = await tx
    .select()
    .from(integrationConnections)
    .where(and(eq(integrationConnections.tenantId, tx.scope.tenantId), eq(integrationConnections.id, id)))
    .for('update');
  return row;
}

export async function listConnections(tx: TenantTx, userId: string, limit: number, afterId?: string): Promise<ConnectionRow[]> {
  return tx
    .select()
    .from(integrationConnections)
    .where(
      and(
        eq(integrationConnections.tenantId, tx.scope.tenantId),
        eq(integrationConnections.userId, userId),
        afterId ? gt(integrationConnections.id, afterId) : undefined,
      ),
    )
    .orderBy(integrationConnections.id)
    .limit(limit + 1);
}

export async function updateConnection(tx: TenantTx, id: string, patch: ConnectionPatch): Promise<void> {
  await tx
    .update(integrationConnections)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(integrationConnections.tenantId, tx.scope.tenantId), eq(integrationConnections.id, id)));
}

/** Active connections to a provider account in any tenant: a push names the athlete at the provider, not a tenant. */
export async function connectionsOfAccount(tx: SystemTx, provider: string, accountId: string): Promise<{ tenantId: string; id: string }[]> {
  return tx
    .select({ tenantId: integrationConnections.tenantId, id: integrationConnections.id })
    .from(integrationConnections)
    .where(and(eq(integrationConnections.provider, provider), eq(integrationConnections.providerAccountId, accountId), eq(integrationConnections.status, 'active')));
}

/** Records a push for a connection; false when the same event was recorded before (a replay). */
export async function recordPushEvent(tx: TenantTx, row: { id: string; connectionId: string; eventKey: string; eventTime: Date }): Promise<boolean> {
  const inserted = await tx
    .insert(integrationPushEvents)
    .values({ ...row, tenantId: tx.scope.tenantId })
    .onConflictDoNothing()
    .returning({ id: integrationPushEvents.id });
  return inserted.length > 0;
}

/** Which of these provider activity ids the connection has imported already. */
export async function importedExternalIds(tx: TenantTx, connectionId: string, externalIds: readonly string[]): Promise<Set<string>> {
  if (externalIds.length === 0) return new Set();
  const rows = await tx
    .select({ externalId: workouts.externalId })
    .from(workouts)
    .where(and(eq(workouts.tenantId, tx.scope.tenantId), eq(workouts.connectionId, connectionId), inArray(workouts.externalId, [...externalIds])));
  return new Set(rows.map((r) => r.externalId!));
}

/** Inserts an imported activity as a completed workout, unless the connection imported it before. */
export async function insertImportedWorkout(tx: TenantTx, row: Omit<typeof workouts.$inferInsert, 'tenantId' | 'status'>): Promise<boolean> {
  const inserted = await tx
    .insert(workouts)
    .values({ ...row, tenantId: tx.scope.tenantId, status: 'completed' })
    .onConflictDoNothing({ target: [workouts.tenantId, workouts.connectionId, workouts.externalId] })
    .returning({ id: workouts.id });
  return inserted.length > 0;
}

/**
 * The assigned cardio day of the athlete's program on `date`, if there is one.
 * A program's days follow each other from the assignment's start date, one a
 * calendar day, and repeat (day `(date - startDate) mod days`); the latest
 * assignment started on or before the date counts. A cardio day is one whose
 * planned exercises are all of the `cardio` category.
 */
export async function cardioDayOn(tx: TenantTx, athleteId: string, date: string): Promise<{ programId: string; dayIndex: number } | undefined> {
  const result = await tx.execute<{ program_id: string; position: number }>(sql`
    WITH assignment AS (
      SELECT program_id, start_date FROM program_assignments
      WHERE tenant_id = ${tx.scope.tenantId} AND athlete_id = ${athleteId} AND start_date <= ${date}::date
      ORDER BY start_date DESC, created_at DESC LIMIT 1
    ), days AS (
      SELECT d.id, d.program_id, d.position, count(*) OVER () AS n
      FROM program_days d JOIN assignment a ON a.program_id = d.program_id
      WHERE d.tenant_id = ${tx.scope.tenantId}
    )
    SELECT days.program_id, days.position FROM days, assignment
    WHERE days.position = (${date}::date - assignment.start_date) % days.n
      AND EXISTS (SELECT 1 FROM program_planned_sets s WHERE s.tenant_id = ${tx.scope.tenantId} AND s.day_id = days.id)
      AND NOT EXISTS (
        SELECT 1 FROM program_planned_sets s JOIN exercises e ON e.tenant_id = s.tenant_id AND e.id = s.exercise_id
        WHERE s.tenant_id = ${tx.scope.tenantId} AND s.day_id = days.id AND e.category <> 'cardio')`);
  const row = result.rows[0];
  return row ? { programId: row.program_id, dayIndex: Number(row.position) } : undefined;
}

/** Active connections of every tenant, a page at a time by id: the scheduler restores their recurring syncs. */
export async function activeConnectionsPage(tx: SystemTx, afterId: string | undefined, limit: number): Promise<{ tenantId: string; id: string }[]> {
  return tx
    .select({ tenantId: integrationConnections.tenantId, id: integrationConnections.id })
    .from(integrationConnections)
    .where(and(eq(integrationConnections.status, 'active'), afterId ? gt(integrationConnections.id, afterId) : undefined))
    .orderBy(integrationConnections.id)
    .limit(limit);
}
