import { createCoachlineClient, ProblemError, type components } from '@coachline/sdk';
import { progressOf, recordText, renderCard, renderRecord, type WorkoutCard } from './board';
import { connectCoachSocket, type CoachSocket, type LiveRecord, type SetCompleted } from './live-socket';

/*
 * The coach's live board: sign in with the SDK, list the workouts in progress,
 * join each one's room, and from then on draw what the socket says. Coaches
 * hear `workout:started` for the whole tenant but a workout's sets only in its
 * room, so every started workout is joined before it is read: a set logged in
 * between is then in the read or in the room, never in neither.
 */

const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const status = $<HTMLParagraphElement>('#status');
const loginForm = $<HTMLFormElement>('#login');
const loginError = $<HTMLParagraphElement>('#login-error');
const board = $<HTMLElement>('#board');
const workoutsEl = $<HTMLDivElement>('#workouts');
const recordsEl = $<HTMLOListElement>('#records');

let socket: CoachSocket | undefined;
const coachline = createCoachlineClient({ baseUrl: window.location.origin, onSessionEnded: () => window.location.reload() });

const cards = new Map<string, WorkoutCard>();
/** Sets heard for a workout between joining its room and reading it, applied once the read is in. */
const heardWhileReading = new Map<string, SetCompleted[]>();
const exercises = new Map<string, string>();
const athletes = new Map<string, string>();

function setStatus(state: string, text: string): void {
  status.dataset.state = state;
  status.textContent = text;
}

const exerciseName = (id: string) => exercises.get(id) ?? 'Exercise';

async function loadExercises(): Promise<void> {
  let cursor: string | undefined;
  do {
    const { data } = await coachline.api.GET('/v1/exercises', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } });
    for (const exercise of data!.items) exercises.set(exercise.id, exercise.name);
    cursor = data!.nextCursor ?? undefined;
  } while (cursor);
}

async function loadAthletes(): Promise<void> {
  let cursor: string | undefined;
  do {
    const { data } = await coachline.api.GET('/v1/members', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } });
    for (const member of data!.items) athletes.set(member.userId, member.name);
    cursor = data!.nextCursor ?? undefined;
  } while (cursor);
}

async function athleteName(id: string): Promise<string> {
  if (!athletes.has(id)) await loadAthletes();
  return athletes.get(id) ?? 'Athlete';
}

function draw(card: WorkoutCard): void {
  const next = renderCard(card, exerciseName);
  const current = workoutsEl.querySelector(`[data-workout-id="${card.id}"]`);
  if (current) current.replaceWith(next);
  else workoutsEl.prepend(next);
  workoutsEl.querySelector('.empty')?.remove();
}

/** Joins the workout's room, then reads it whole: from here on the room keeps the card current. */
async function follow(workoutId: string): Promise<void> {
  if (!cards.has(workoutId)) heardWhileReading.set(workoutId, heardWhileReading.get(workoutId) ?? []);
  await socket!.join(workoutId);
  const { data: workout } = await coachline.api.GET('/v1/workouts/{id}', { params: { path: { id: workoutId } } });
  const heard = heardWhileReading.get(workoutId) ?? [];
  heardWhileReading.delete(workoutId);
  if (!workout || workout.status !== 'in_progress') return;
  const known = cards.get(workoutId);
  const card: WorkoutCard = {
    id: workout.id,
    athleteName: await athleteName(workout.athleteId),
    title: workout.title,
    plannedSets: workout.plannedSets,
    sets: workout.sets,
    records: known?.records ?? new Map<string, LiveRecord>(),
    progress: progressOf(workout),
  };
  cards.set(workoutId, card);
  draw(card);
  // A set that committed after the read but was heard before it answered.
  for (const event of heard) onSetCompleted(event);
  workoutsEl.querySelector(`[data-workout-id="${workoutId}"]`)?.setAttribute('data-following', 'true');
}

function onSetCompleted({ workoutId, set, progress, personalRecord }: SetCompleted): void {
  const card = cards.get(workoutId);
  if (!card) {
    heardWhileReading.get(workoutId)?.push({ workoutId, set, progress, personalRecord });
    return;
  }
  // Already drawn (a read that had it, a replay after recovery): the card is newer than this event.
  if (card.sets.some((s) => s.id === set.id)) return;
  card.sets.push(set);
  card.progress = progress;
  if (personalRecord) {
    card.records.set(set.id, personalRecord);
    recordsEl.prepend(renderRecord(card.athleteName, recordText(personalRecord, exerciseName(personalRecord.exerciseId)), set.id));
  }
  draw(card);
  workoutsEl.querySelector(`[data-workout-id="${workoutId}"]`)?.setAttribute('data-following', 'true');
}

function report(error: unknown): void {
  setStatus('error', error instanceof ProblemError ? `${error.code}: ${error.detail ?? error.message}` : String(error));
}

async function start(me: { role: string; tenant: { name: string } }): Promise<void> {
  if (me.role !== 'COACH' && me.role !== 'ADMIN') throw new Error('This board is for coaches and admins.');
  await Promise.all([loadExercises(), loadAthletes()]);
  socket = connectCoachSocket(coachline, {
    onConnected: (recovered) => {
      setStatus('live', `Live · ${me.tenant.name}`);
      // A new connection (not a recovered one) has no rooms: join them all again and re-read, as at start.
      if (!recovered) for (const id of cards.keys()) follow(id).catch(report);
    },
    onDisconnected: () => setStatus('reconnecting', 'Reconnecting…'),
    onWorkoutStarted: ({ workoutId }) => void follow(workoutId).catch(report),
    onSetCompleted,
    onSetChanged: (workoutId) => void follow(workoutId).catch(report),
  });
  const { data } = await coachline.api.GET('/v1/workouts', { params: { query: { status: 'in_progress', limit: 100 } } });
  const inProgress: components['schemas']['WorkoutListItem'][] = data!.items;
  await Promise.all(inProgress.map((w) => follow(w.id)));
}

loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const form = new FormData(loginForm);
  const field = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value : '';
  };
  const tenantId = field('tenantId').trim();
  loginError.textContent = '';
  setStatus('signing-in', 'Signing in…');
  coachline
    .login({ email: field('email').trim(), password: field('password'), ...(tenantId ? { tenantId } : {}) })
    .then(async (me) => {
      loginForm.hidden = true;
      board.hidden = false;
      setStatus('connecting', `Connecting · ${me.tenant.name}`);
      await start(me);
    })
    .catch((error: unknown) => {
      loginError.textContent = error instanceof ProblemError ? (error.detail ?? error.message) : String(error);
      report(error);
    });
});
