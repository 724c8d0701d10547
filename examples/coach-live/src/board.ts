import type { components } from '@coachline/sdk';
import type { LiveProgress, LiveRecord, LiveSet } from './live-socket';

type Workout = components['schemas']['Workout'];

/** What the page knows of one workout in progress. */
export interface WorkoutCard {
  id: string;
  athleteName: string;
  title: string | null;
  plannedSets: Workout['plannedSets'];
  sets: LiveSet[];
  /** Records set during this session of the page, by set id. */
  records: Map<string, LiveRecord>;
  progress: LiveProgress;
}

/** Progress as API.md defines it: planned sets that have a logged set sent with their plannedSetId. */
export function progressOf(workout: Pick<Workout, 'plannedSets' | 'sets'>): LiveProgress {
  const planned = workout.plannedSets.length;
  const done = new Set(workout.sets.map((s) => s.plannedSetId).filter(Boolean));
  const completed = workout.plannedSets.filter((p) => done.has(p.id)).length;
  return { completed, planned, percent: planned === 0 ? 0 : Math.round((100 * completed) / planned) };
}

const RECORD_KIND: Record<LiveRecord['kind'], string> = { e1rm: 'estimated 1RM', weight: 'heaviest weight', reps: 'most reps' };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

export function recordText(record: LiveRecord, exerciseName: string): string {
  const value = record.kind === 'reps' ? `${record.value} reps` : `${Math.round(record.value * 10) / 10} kg`;
  return `${exerciseName}: ${RECORD_KIND[record.kind]} ${value}`;
}

/** Draws one workout's card; the board keeps one per workout id and replaces it whole. */
export function renderCard(card: WorkoutCard, exerciseName: (id: string) => string): HTMLElement {
  const { completed, planned, percent } = card.progress;
  const bar = el('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(percent) }, el('span', { style: `width: ${percent}%` }));
  const sets = el('ol', { class: 'sets' });
  for (const set of card.sets) {
    const record = card.records.get(set.id);
    const row = el(
      'li',
      { 'data-set-id': set.id },
      el('strong', {}, exerciseName(set.exerciseId)),
      ` ${set.reps} × ${set.weightKg} kg`,
      set.rpe ? el('small', {}, ` RPE ${set.rpe}`) : '',
    );
    if (record) row.append(el('span', { class: 'pr', title: recordText(record, exerciseName(set.exerciseId)) }, `PR · ${RECORD_KIND[record.kind]}`));
    sets.append(row);
  }
  if (card.sets.length === 0) sets.append(el('li', { class: 'empty' }, 'No set yet'));
  return el(
    'article',
    { class: 'workout', 'data-workout-id': card.id },
    el('h3', {}, card.athleteName, el('small', {}, card.title ? ` · ${card.title}` : '')),
    el('p', { class: 'progress' }, planned === 0 ? `${card.sets.length} ${card.sets.length === 1 ? 'set' : 'sets'} (nothing planned)` : `${completed}/${planned} planned sets · ${percent}%`),
    bar,
    sets,
  );
}

export function renderRecord(athleteName: string, text: string, setId: string): HTMLElement {
  return el('li', { 'data-record-set-id': setId }, el('strong', {}, athleteName), ` ${text}`);
}
