/**
 * The time model a generated session is fitted with: a general warm-up, then
 * for every set the time under the bar (setup plus about 3 s a rep) and the
 * rest that follows it (the last one is the walk to the next exercise).
 */
export const WARM_UP_SECONDS = 300;
export const SET_SETUP_SECONDS = 20;
export const SECONDS_PER_REP = 3;

export function setSeconds(reps: number): number {
  return SET_SETUP_SECONDS + SECONDS_PER_REP * reps;
}

/** How long a day of planned sets takes by the model above. */
export function sessionSeconds(sets: readonly { reps: number; restSeconds: number }[]): number {
  return WARM_UP_SECONDS + sets.reduce((total, set) => total + setSeconds(set.reps) + set.restSeconds, 0);
}
