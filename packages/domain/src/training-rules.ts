/** Pure training rules: estimated one-rep max, personal-record detection, workout progress. */

export type RecordKind = 'e1rm' | 'weight' | 'reps';

/** Order in which a set's records are reported when it beats several at once. */
export const RECORD_KINDS: readonly RecordKind[] = ['e1rm', 'weight', 'reps'];

export interface SetSample {
  reps: number;
  weightKg: number;
}

/** Weights are stored with two decimals; every comparison uses the stored value. */
export function roundKg(weightKg: number): number {
  return Math.round(weightKg * 100) / 100;
}

/** Epley estimate of the one-rep max: `weight * (1 + reps / 30)`. */
export function epley(weightKg: number, reps: number): number {
  return weightKg * (1 + reps / 30);
}

/**
 * An exact integer that orders sets like their Epley estimate does
 * (30 * e1rm in hundredths of a kilogram), so ties are ties, not float noise.
 */
export function e1rmKey(set: SetSample): number {
  return Math.round(set.weightKg * 100) * (30 + set.reps);
}

/** What earlier sets of one exercise reached, as far as judging a candidate set needs. */
export interface PriorBests {
  /** Number of earlier sets of the exercise, or of those among them that hold a record: zero exactly when there are none. */
  count: number;
  /** Highest `e1rmKey` among them. */
  bestE1rmKey: number;
  heaviestKg: number;
  /** Most reps done with the candidate's weight or heavier; null when never lifted that heavy. */
  mostRepsAtOrAbove: number | null;
}

/** Summarises earlier sets for judging a candidate of `candidateKg`; the database computes the same with aggregates. */
export function priorBests(history: readonly SetSample[], candidateKg: number): PriorBests {
  let bestE1rmKey = 0;
  let heaviestKg = 0;
  let mostRepsAtOrAbove: number | null = null;
  for (const set of history) {
    bestE1rmKey = Math.max(bestE1rmKey, e1rmKey(set));
    heaviestKg = Math.max(heaviestKg, set.weightKg);
    if (set.weightKg >= candidateKg) mostRepsAtOrAbove = Math.max(mostRepsAtOrAbove ?? 0, set.reps);
  }
  return { count: history.length, bestE1rmKey, heaviestKg, mostRepsAtOrAbove };
}

export interface RecordHit {
  kind: RecordKind;
  value: number;
}

/**
 * Every record a set sets against its exercise's earlier sets, in RECORD_KINDS
 * order: a higher e1RM, a heavier weight, or more reps than ever with this
 * weight or heavier. The first set of an exercise sets all three.
 */
export function detectRecords(prior: PriorBests, set: SetSample): RecordHit[] {
  const first = prior.count === 0;
  const hits: RecordHit[] = [];
  if (first || e1rmKey(set) > prior.bestE1rmKey) hits.push({ kind: 'e1rm', value: roundKg(epley(set.weightKg, set.reps)) });
  if (first || set.weightKg > prior.heaviestKg) hits.push({ kind: 'weight', value: set.weightKg });
  if (first || prior.mostRepsAtOrAbove === null || set.reps > prior.mostRepsAtOrAbove) hits.push({ kind: 'reps', value: set.reps });
  return hits;
}

export interface Progress {
  completed: number;
  planned: number;
  percent: number;
}

/** `completed` planned sets that have a logged set, out of `planned`; percent rounded, 0 when nothing is planned. */
export function progressOf(completed: number, planned: number): Progress {
  return { completed, planned, percent: planned === 0 ? 0 : Math.round((100 * completed) / planned) };
}

/** Total volume `sum(reps * weightKg)`, in kilograms with two decimals. */
export function volumeKg(sets: readonly SetSample[]): number {
  return roundKg(sets.reduce((sum, set) => sum + set.reps * set.weightKg, 0));
}

/** A logged set as the record history sees it, in the order it was logged. */
export interface HistorySet extends SetSample {
  id: string;
}

/** A record a set holds in an exercise's history. */
export interface HeldRecord extends RecordHit {
  setId: string;
}

/**
 * Every record of one athlete's exercise, judging each set against the sets
 * logged before it, as logging them one by one did: what stands after a set
 * is edited or deleted. Weights repeat, so the reps rule looks at one entry
 * per distinct weight rather than at every earlier set.
 */
export function recordHistory(sets: readonly HistorySet[]): HeldRecord[] {
  const held: HeldRecord[] = [];
  const mostRepsByWeight = new Map<number, number>();
  let bestE1rmKey = 0;
  let heaviestKg = 0;
  let count = 0;
  for (const set of sets) {
    let mostRepsAtOrAbove: number | null = null;
    for (const [weight, reps] of mostRepsByWeight) {
      if (weight >= set.weightKg) mostRepsAtOrAbove = Math.max(mostRepsAtOrAbove ?? 0, reps);
    }
    for (const hit of detectRecords({ count, bestE1rmKey, heaviestKg, mostRepsAtOrAbove }, set)) held.push({ setId: set.id, ...hit });
    count += 1;
    bestE1rmKey = Math.max(bestE1rmKey, e1rmKey(set));
    heaviestKg = Math.max(heaviestKg, set.weightKg);
    mostRepsByWeight.set(set.weightKg, Math.max(mostRepsByWeight.get(set.weightKg) ?? 0, set.reps));
  }
  return held;
}
