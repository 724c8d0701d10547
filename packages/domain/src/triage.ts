/**
 * Triage for coaches: the rules that turn an organization's daily rollups into
 * what needs a coach's attention now. Pure: the facts come from the rollups
 * (packages/db/src/triage.ts), the thresholds from configuration. The rules
 * are described for coaches in apps/api-gateway/src/modules/triage/README.md.
 */

/** The kinds of item, most urgent first: the order of the triage list. */
export const TRIAGE_KINDS = ['inactive', 'missed_workouts', 'rising_rpe', 'stalled_lift', 'new_record'] as const;
export type TriageKind = (typeof TRIAGE_KINDS)[number];

/** The rules' thresholds (configuration: TRIAGE_* in each app's config.ts). */
export interface TriageThresholds {
  /** stalled_lift: days without a higher estimated 1RM while the lift is trained. */
  stallDays: number;
  /** stalled_lift: days the lift was trained within the last `stallDays`. */
  stallMinSessions: number;
  /** missed_workouts: the window planned workouts are counted over, ending today. */
  missedDays: number;
  /** missed_workouts: planned minus completed workouts in the window. */
  missedMin: number;
  /** rising_rpe: the length of each of the two periods compared (two weeks: 7). */
  rpePeriodDays: number;
  /** rising_rpe: the rise of the average RPE at one load, recent period over the one before. */
  rpeMinRise: number;
  /** rising_rpe: RPE-rated sets at the load in each period. */
  rpeMinSets: number;
  /** new_record: records set within this many days, today included. */
  recordDays: number;
  /** inactive: days since the last training day (or since joining, for who never trained). */
  inactiveDays: number;
}

export const DEFAULT_TRIAGE_THRESHOLDS: TriageThresholds = {
  stallDays: 21,
  stallMinSessions: 3,
  missedDays: 7,
  missedMin: 2,
  rpePeriodDays: 7,
  rpeMinRise: 1,
  rpeMinSets: 2,
  recordDays: 7,
  inactiveDays: 7,
};

/** One thing a coach should look at. `subject` says what within its kind, so an item found again is the same item. */
export interface TriageItem {
  athleteId: string;
  kind: TriageKind;
  subject: string;
  detail: string;
  /** ISO 8601 instant the situation has held since. */
  since: string;
  data: Record<string, unknown>;
}

/** What the rules read, all from the rollups: bounded windows ending `today`, never an athlete's history. */
export interface TriageFacts {
  /** YYYY-MM-DD, UTC. */
  today: string;
  athletes: Array<{ athleteId: string; joinedDay: string; lastTrainingDay: string | null }>;
  /** Best estimated 1RM per athlete, exercise and day, over the last 2 × stallDays days. */
  exerciseDays: Array<{ athleteId: string; exerciseId: string; exerciseName: string; day: string; bestE1rmKg: number }>;
  /** RPE per athlete, exercise, load and day (rated sets only), over the last 2 × rpePeriodDays days. */
  loadDays: Array<{ athleteId: string; exerciseId: string; exerciseName: string; weightKg: number; day: string; rpeSum: number; rpeCount: number }>;
  /** Records set in the last recordDays days. */
  records: Array<{ athleteId: string; exerciseId: string; exerciseName: string; kind: 'e1rm' | 'weight' | 'reps'; value: number; achievedAt: string }>;
  /** Workouts planned by the athlete's assignments and completed over the last missedDays days (athletes with an assignment only). */
  adherence: Array<{ athleteId: string; planned: number; completed: number; windowStart: string }>;
}

const DAY_MS = 86_400_000;
/** The day `n` days after (or before, negative) a YYYY-MM-DD day. */
export const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00.000Z`) + n * DAY_MS).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);
const startOf = (day: string) => `${day}T00:00:00.000Z`;
/** The Monday of the ISO week of a day: items that hold over rolling windows are announced once a week. */
export const isoWeekOf = (day: string) => addDays(day, -((new Date(startOf(day)).getUTCDay() + 6) % 7));

const kg = (value: number) => `${Math.round(value * 10) / 10} kg`;
const rpe = (value: number) => (Math.round(value * 10) / 10).toFixed(1);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const RECORD_KIND = { e1rm: 'estimated 1RM', weight: 'heaviest weight', reps: 'most reps' } as const;

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

function inactive(facts: TriageFacts, t: TriageThresholds): TriageItem[] {
  return facts.athletes.flatMap((a) => {
    const reference = a.lastTrainingDay ?? a.joinedDay;
    const days = daysBetween(reference, facts.today);
    if (days < t.inactiveDays) return [];
    return [
      {
        athleteId: a.athleteId,
        kind: 'inactive' as const,
        subject: `${a.lastTrainingDay ? 'trained' : 'joined'}:${reference}`,
        detail: a.lastTrainingDay ? `No training for ${days} days (last on ${reference}).` : `No training since joining on ${reference} (${days} days).`,
        since: startOf(reference),
        data: { lastTrainingDay: a.lastTrainingDay, days },
      },
    ];
  });
}

function missedWorkouts(facts: TriageFacts, t: TriageThresholds): TriageItem[] {
  return facts.adherence.flatMap((a) => {
    const missed = a.planned - a.completed;
    if (missed < t.missedMin) return [];
    return [
      {
        athleteId: a.athleteId,
        kind: 'missed_workouts' as const,
        subject: `week:${isoWeekOf(facts.today)}`,
        detail: `Missed ${missed} of ${plural(a.planned, 'planned workout')} in the last ${t.missedDays} days.`,
        since: startOf(a.windowStart),
        data: { planned: a.planned, completed: a.completed, missed },
      },
    ];
  });
}

function stalledLifts(facts: TriageFacts, t: TriageThresholds): TriageItem[] {
  const recentFrom = addDays(facts.today, -t.stallDays + 1);
  const items: TriageItem[] = [];
  for (const days of groupBy(facts.exerciseDays, (r) => `${r.athleteId}:${r.exerciseId}`).values()) {
    const sorted = [...days].sort((a, b) => a.day.localeCompare(b.day));
    // The earliest day of the best: matching it later is no rise.
    const best = sorted.reduce((top, row) => (row.bestE1rmKg > top.bestE1rmKg ? row : top));
    if (best.day >= recentFrom) continue;
    const recentSessions = sorted.filter((r) => r.day >= recentFrom).length;
    if (recentSessions < t.stallMinSessions) continue;
    items.push({
      athleteId: best.athleteId,
      kind: 'stalled_lift',
      subject: `${best.exerciseId}:${best.day}`,
      detail: `${best.exerciseName}: estimated 1RM has not risen above ${kg(best.bestE1rmKg)} since ${best.day} (${plural(recentSessions, 'session')} in the last ${t.stallDays} days).`,
      since: startOf(best.day),
      data: { exerciseId: best.exerciseId, exerciseName: best.exerciseName, bestE1rmKg: best.bestE1rmKg, recentSessions },
    });
  }
  return items;
}

function risingRpe(facts: TriageFacts, t: TriageThresholds): TriageItem[] {
  const recentFrom = addDays(facts.today, -t.rpePeriodDays + 1);
  const earlierFrom = addDays(recentFrom, -t.rpePeriodDays);
  const byExercise = new Map<string, TriageItem & { rise: number }>();
  for (const days of groupBy(facts.loadDays, (r) => `${r.athleteId}:${r.exerciseId}:${r.weightKg}`).values()) {
    const earlier = days.filter((r) => r.day >= earlierFrom && r.day < recentFrom);
    const recent = days.filter((r) => r.day >= recentFrom && r.day <= facts.today);
    const count = (rows: typeof days) => rows.reduce((n, r) => n + r.rpeCount, 0);
    const average = (rows: typeof days) => rows.reduce((s, r) => s + r.rpeSum, 0) / count(rows);
    if (count(earlier) < t.rpeMinSets || count(recent) < t.rpeMinSets) continue;
    const before = average(earlier);
    const now = average(recent);
    const rise = now - before;
    if (rise < t.rpeMinRise - 1e-9) continue;
    const first = days[0]!;
    const key = `${first.athleteId}:${first.exerciseId}`;
    if ((byExercise.get(key)?.rise ?? -Infinity) >= rise) continue;
    const start = earlier.map((r) => r.day).sort()[0]!;
    byExercise.set(key, {
      athleteId: first.athleteId,
      kind: 'rising_rpe',
      subject: `${first.exerciseId}:week:${isoWeekOf(facts.today)}`,
      detail: `${first.exerciseName} at ${kg(first.weightKg)}: average RPE rose from ${rpe(before)} to ${rpe(now)} over two periods of ${t.rpePeriodDays} days.`,
      since: startOf(start),
      data: { exerciseId: first.exerciseId, exerciseName: first.exerciseName, weightKg: first.weightKg, previousRpe: Math.round(before * 100) / 100, recentRpe: Math.round(now * 100) / 100 },
      rise,
    });
  }
  return [...byExercise.values()].map(({ rise: _rise, ...item }) => item);
}

function newRecords(facts: TriageFacts): TriageItem[] {
  return [...groupBy(facts.records, (r) => `${r.athleteId}:${r.exerciseId}`).values()].map((records) => {
    const latest = records.reduce((a, b) => (b.achievedAt > a.achievedAt ? b : a));
    const best = new Map<string, number>();
    for (const r of records) best.set(r.kind, Math.max(best.get(r.kind) ?? -Infinity, r.value));
    const kinds = (['e1rm', 'weight', 'reps'] as const).filter((k) => best.has(k));
    return {
      athleteId: latest.athleteId,
      kind: 'new_record' as const,
      subject: `${latest.exerciseId}:${latest.achievedAt.slice(0, 10)}`,
      detail: `New records in ${latest.exerciseName}: ${kinds.map((k) => `${RECORD_KIND[k]} ${k === 'reps' ? plural(best.get(k)!, 'rep') : kg(best.get(k)!)}`).join(', ')}.`,
      since: new Date(latest.achievedAt).toISOString(),
      data: { exerciseId: latest.exerciseId, exerciseName: latest.exerciseName, records: Object.fromEntries(kinds.map((k) => [k, best.get(k)])) },
    };
  });
}

/** Most urgent first: by kind (TRIAGE_KINDS), then the longest-standing, then by athlete and subject so the order is stable. */
export function compareTriageItems(a: TriageItem, b: TriageItem): number {
  return TRIAGE_KINDS.indexOf(a.kind) - TRIAGE_KINDS.indexOf(b.kind) || a.since.localeCompare(b.since) || a.athleteId.localeCompare(b.athleteId) || a.subject.localeCompare(b.subject);
}

/** Every item the facts show, most urgent first. */
export function triage(facts: TriageFacts, thresholds: TriageThresholds): TriageItem[] {
  return [...inactive(facts, thresholds), ...missedWorkouts(facts, thresholds), ...risingRpe(facts, thresholds), ...stalledLifts(facts, thresholds), ...newRecords(facts)].sort(compareTriageItems);
}
