import type { TenantScope } from '@coachline/domain/actor';
import { connectionSeal } from '@coachline/domain/sealed-contexts';
import type { Database } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import * as repo from '@coachline/db/integrations';
import { emit } from '@coachline/db/outbox';
import type { Logger } from '@coachline/runtime/logger';
import {
  ProviderGrantRevokedError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
  type IntegrationProvider,
  type ProviderActivity,
} from '@coachline/runtime/providers/provider';
import type { ProviderRegistry } from '@coachline/runtime/providers/provider-registry';
import type { SecretBox } from '@coachline/runtime/secret-box';
import type { SyncSchedules } from './sync-schedules';

export type SyncOutcome =
  | { outcome: 'imported'; imported: number; seen: number }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'deferred'; until: string; reason: string }
  | { outcome: 'revoked' };

export interface SyncOptions {
  /** How far back a connection's first sync looks. */
  firstSyncLookbackDays: number;
  now?: () => Date;
}

/** Refresh an access token this long before it expires. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Imports a connection's new activities as completed workouts. Idempotent: an
 * activity already imported (by this run or an earlier one) is neither fetched
 * nor written again. A provider that is out of budget or behind an open
 * breaker puts the sync off rather than failing it, so an outage spends no
 * attempts; a provider that fails outright fails the job, which BullMQ retries
 * with exponential backoff and jitter; a refused grant ends the connection and
 * tells the athlete.
 */
export class IntegrationSyncService {
  private readonly now: () => Date;

  constructor(
    private readonly db: Database,
    private readonly providers: ProviderRegistry,
    private readonly secrets: SecretBox,
    private readonly schedules: SyncSchedules,
    private readonly logger: Logger,
    private readonly options: SyncOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async sync(scope: TenantScope, connectionId: string): Promise<SyncOutcome> {
    const connection = await this.db.withTenant(scope, (tx) => repo.findConnection(tx, connectionId));
    if (!connection || connection.status !== 'active') return { outcome: 'skipped', reason: connection ? connection.status : 'gone' };
    const provider = this.providers.get(connection.provider);
    if (!provider) return { outcome: 'skipped', reason: 'provider not configured' };
    const blocked = provider.unavailableUntil();
    if (blocked) return this.defer(scope, connection.id, blocked, 'provider breaker open');

    try {
      const accessToken = await this.accessToken(scope, provider, connection.id);
      if (!accessToken) return { outcome: 'skipped', reason: 'no tokens' };
      return await this.importNew(scope, provider, connection, accessToken);
    } catch (error) {
      if (error instanceof ProviderGrantRevokedError) return this.revoked(scope, connection, error.message);
      if (error instanceof ProviderRateLimitedError) return this.defer(scope, connection.id, error.retryAt, 'provider rate budget spent');
      if (error instanceof ProviderUnavailableError) {
        await this.db.withTenant(scope, (tx) => repo.updateConnection(tx, connection.id, { lastError: error.message }));
        if (error.retryAt) return this.defer(scope, connection.id, error.retryAt, 'provider breaker open');
      }
      throw error;
    }
  }

  /** A valid access token, refreshed under a row lock when close to expiry so concurrent syncs refresh once. */
  private async accessToken(scope: TenantScope, provider: IntegrationProvider, connectionId: string): Promise<string | undefined> {
    return this.db.withTenant(scope, async (tx) => {
      const row = await repo.lockConnection(tx, connectionId);
      if (!row?.accessTokenSealed || !row.refreshTokenSealed) return undefined;
      const context = (kind: 'access' | 'refresh') => connectionSeal(row.tenantId, row.userId, row.provider, row.providerAccountId, kind);
      const fresh = row.accessTokenExpiresAt && row.accessTokenExpiresAt.getTime() - REFRESH_MARGIN_MS > this.now().getTime();
      if (fresh && row.tokenKeyId === this.secrets.currentKeyId) return this.secrets.open(row.accessTokenSealed, context('access'));
      if (fresh) {
        // Sealed under a key that has since rotated: sealed again under the current one.
        const accessToken = this.secrets.open(row.accessTokenSealed, context('access'));
        const refreshToken = this.secrets.open(row.refreshTokenSealed, context('refresh'));
        await repo.updateConnection(tx, row.id, {
          accessTokenSealed: this.secrets.seal(accessToken, context('access')),
          refreshTokenSealed: this.secrets.seal(refreshToken, context('refresh')),
          tokenKeyId: this.secrets.currentKeyId,
        });
        return accessToken;
      }
      const tokens = await provider.refresh(this.secrets.open(row.refreshTokenSealed, context('refresh')));
      await repo.updateConnection(tx, row.id, {
        accessTokenSealed: this.secrets.seal(tokens.accessToken, context('access')),
        refreshTokenSealed: this.secrets.seal(tokens.refreshToken, context('refresh')),
        tokenKeyId: this.secrets.currentKeyId,
        accessTokenExpiresAt: tokens.expiresAt,
      });
      return tokens.accessToken;
    });
  }

  private async importNew(scope: TenantScope, provider: IntegrationProvider, connection: repo.ConnectionRow, accessToken: string): Promise<SyncOutcome> {
    const since = connection.syncedThrough ?? new Date(this.now().getTime() - this.options.firstSyncLookbackDays * 86_400_000);
    const listed = await provider.listActivities(accessToken, since);
    const known = await this.db.withTenant(scope, (tx) => repo.importedExternalIds(tx, connection.id, listed.map((a) => a.externalId)));
    let imported = 0;
    let syncedThrough = connection.syncedThrough;
    let deferred: ProviderRateLimitedError | undefined;
    for (const summary of listed) {
      if (!known.has(summary.externalId)) {
        let activity: ProviderActivity;
        try {
          // The summary lacks calories; the detail has them.
          activity = await provider.getActivity(accessToken, summary.externalId);
        } catch (error) {
          if (!(error instanceof ProviderRateLimitedError)) throw error;
          deferred = error;
          break;
        }
        if (await this.store(scope, connection, activity)) imported++;
      }
      // Activities come oldest first: everything up to here is in.
      syncedThrough = summary.startedAt;
    }
    await this.db.withTenant(scope, (tx) => repo.updateConnection(tx, connection.id, { syncedThrough, lastSyncAt: this.now(), lastError: null }));
    this.logger.info('integration synced', { connectionId: connection.id, provider: connection.provider, imported, seen: listed.length });
    if (deferred) return this.defer(scope, connection.id, deferred.retryAt, 'provider rate budget spent');
    return { outcome: 'imported', imported, seen: listed.length };
  }

  /** One activity as a completed workout; on an assigned cardio day it is that day's workout. */
  private async store(scope: TenantScope, connection: repo.ConnectionRow, activity: ProviderActivity): Promise<boolean> {
    const completedAt = new Date(activity.startedAt.getTime() + (activity.durationSeconds ?? 0) * 1000);
    return this.db.withTenant(scope, async (tx) => {
      // The activity's calendar day in UTC: the platform keeps no home time zone for athletes.
      const day = await repo.cardioDayOn(tx, connection.userId, activity.startedAt.toISOString().slice(0, 10));
      const workoutId = newId();
      const inserted = await repo.insertImportedWorkout(tx, {
        id: workoutId,
        athleteId: connection.userId,
        programId: day?.programId ?? null,
        dayIndex: day?.dayIndex ?? null,
        title: activity.title,
        startedAt: activity.startedAt,
        completedAt,
        summary: { sets: 0, volumeKg: 0, durationSeconds: activity.durationSeconds ?? 0, personalRecords: [] },
        source: connection.provider,
        connectionId: connection.id,
        externalId: activity.externalId,
        distanceM: activity.distanceM,
        durationSeconds: activity.durationSeconds,
        caloriesKcal: activity.caloriesKcal,
      });
      // An imported activity is a completed workout like any other, for webhook subscribers too.
      if (inserted) {
        await emit(tx, 'workout.completed', { workoutId, athleteId: connection.userId, actorId: connection.userId, sets: 0, volumeKg: 0, durationSeconds: activity.durationSeconds ?? 0, startedAt: activity.startedAt.toISOString(), completedAt: completedAt.toISOString(), source: connection.provider });
      }
      return inserted;
    });
  }

  private async defer(scope: TenantScope, connectionId: string, until: Date, reason: string): Promise<SyncOutcome> {
    await this.schedules.later(scope, connectionId, until);
    this.logger.info('integration sync deferred', { connectionId, until: until.toISOString(), reason });
    return { outcome: 'deferred', until: until.toISOString(), reason };
  }

  /** The provider refused the grant: the connection stops (`error`, with why) and its athlete is notified through the outbox. */
  private async revoked(scope: TenantScope, connection: repo.ConnectionRow, reason: string): Promise<SyncOutcome> {
    await this.db.withTenant(scope, async (tx) => {
      const row = await repo.lockConnection(tx, connection.id);
      if (row?.status !== 'active') return;
      await repo.updateConnection(tx, connection.id, {
        status: 'error',
        lastError: `The provider no longer accepts this connection; connect again. (${reason})`,
        accessTokenSealed: null,
        refreshTokenSealed: null,
        tokenKeyId: null,
        accessTokenExpiresAt: null,
      });
      await emit(tx, 'integration.failed', { connectionId: connection.id, userId: connection.userId, provider: connection.provider, reason: 'revoked' });
      await emit(tx, 'integration.disconnected', { connectionId: connection.id });
    });
    return { outcome: 'revoked' };
  }
}
