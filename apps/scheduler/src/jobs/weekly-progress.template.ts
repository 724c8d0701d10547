import type { Email } from '@coachline/runtime/mailer';
import type { WeeklySummary } from './weekly-progress.repository';

const KIND: Record<WeeklySummary['records'][number]['kind'], string> = {
  e1rm: 'estimated 1RM',
  weight: 'heaviest weight',
  reps: 'most reps',
};

const kg = (value: number) => `${value.toLocaleString('en-US', { maximumFractionDigits: 1 })} kg`;
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function recordLine(record: WeeklySummary['records'][number]): string {
  return `${record.exercise}: ${KIND[record.kind]} ${record.kind === 'reps' ? plural(record.value, 'rep') : kg(record.value)}`;
}

/** The weekly progress email, as text and HTML; `week` is the first and last day, YYYY-MM-DD. */
export function renderWeeklyProgress(to: string, name: string, week: { first: string; last: string }, summary: WeeklySummary): Email {
  const lines = [
    `Hi ${name},`,
    '',
    `Your week at ${summary.organization}, ${week.first} to ${week.last}:`,
    '',
    `- Coaching sessions: ${summary.sessions}`,
    `- Workouts completed: ${summary.workouts}`,
    `- Sets logged: ${summary.sets}`,
    `- Volume: ${kg(summary.volumeKg)}`,
    '',
    summary.records.length ? `Personal records (${summary.records.length}):` : 'No new personal records this week. Keep going!',
    ...summary.records.map((r) => `- ${recordLine(r)}`),
  ];
  const html = [
    `<p>Hi ${escapeHtml(name)},</p>`,
    `<p>Your week at ${escapeHtml(summary.organization)}, ${week.first} to ${week.last}:</p>`,
    '<ul>',
    `<li>Coaching sessions: ${summary.sessions}</li>`,
    `<li>Workouts completed: ${summary.workouts}</li>`,
    `<li>Sets logged: ${summary.sets}</li>`,
    `<li>Volume: ${kg(summary.volumeKg)}</li>`,
    '</ul>',
    summary.records.length
      ? `<p>Personal records:</p><ul>${summary.records.map((r) => `<li>${escapeHtml(recordLine(r))}</li>`).join('')}</ul>`
      : '<p>No new personal records this week. Keep going!</p>',
  ].join('\n');
  return {
    to,
    subject: `Your week: ${plural(summary.workouts, 'workout')}, ${kg(summary.volumeKg)} lifted, ${plural(summary.records.length, 'record')}`,
    text: lines.join('\n'),
    html,
  };
}
