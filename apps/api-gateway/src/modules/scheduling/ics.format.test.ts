import { renderCalendar } from './ics.format';

const event = (description: string) => ({
  uid: 'session-1@coachline',
  start: new Date('2026-03-29T07:00:00Z'),
  end: new Date('2026-03-29T08:00:00Z'),
  summary: 'Session',
  description,
  status: 'CANCELLED' as const,
  sequence: 1,
  updatedAt: new Date('2026-03-28T07:00:00Z'),
});

test.each([
  ['a bare CR', 'late\rATTENDEE:mailto:evil@example.com'],
  ['a bare LF', 'late\nATTENDEE:mailto:evil@example.com'],
  ['CRLF', 'late\r\nATTENDEE:mailto:evil@example.com'],
])('text with %s cannot start a property of its own', (_name, description) => {
  const ics = renderCalendar('Feed', [event(description)], new Date('2026-03-28T00:00:00Z'));
  const lines = ics.split(/\r\n|\r|\n/);
  expect(lines.some((line) => line.startsWith('ATTENDEE'))).toBe(false);
  expect(ics).toContain('DESCRIPTION:late\\nATTENDEE:mailto:evil@example.com');
});
