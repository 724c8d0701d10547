import { calendarDate, controlCharacterPaths, freeText, instant, nameString } from './common';

describe('text from people', () => {
  test.each(['\u0000', 'a\u0000b', '\u0007', '\u001b[31m', '\u007f', '\u0085', 'x\u000bz'])('refuses control character %j', (text) => {
    expect(freeText.safeParse(`hello ${text}`).success).toBe(false);
    expect(nameString.safeParse(`name ${text}`).success).toBe(false);
  });

  test('keeps tab, line feed, carriage return and any other Unicode', () => {
    expect(freeText.parse('line one\r\nline\ttwo — 💪 über')).toBe('line one\r\nline\ttwo — 💪 über');
  });

  test('finds control characters anywhere in an input, keys included', () => {
    expect(controlCharacterPaths({ a: 'ok', b: ['fine', 'bad\u0000'], c: { 'k\u0001': 1, d: { e: 'x\u0002' } } })).toEqual(['b.1', 'c.k\u0001', 'c.d.e']);
    expect(controlCharacterPaths({ a: 'ok', n: 1, t: true, z: null, list: ['\t\r\n'] })).toEqual([]);
  });
});

describe('dates and times', () => {
  test.each(['0000-01-01', '1899-12-31', '2101-01-01', '9999-12-31'])('refuses calendar date %s', (date) => {
    expect(calendarDate.safeParse(date).success).toBe(false);
  });

  test.each(['1900-01-01', '2026-03-29', '2100-12-31'])('accepts calendar date %s', (date) => {
    expect(calendarDate.parse(date)).toBe(date);
  });

  test.each(['0000-01-01T00:00:00Z', '9999-12-31T23:59:59.000Z', '1899-12-31T23:00:00Z', '2100-12-31T23:30:00-01:00'])('refuses instant %s', (time) => {
    expect(instant.safeParse(time).success).toBe(false);
  });

  test.each(['1900-01-01T00:00:00Z', '2026-03-29T07:00:00.000Z', '2100-12-31T23:59:59+01:00'])('accepts instant %s', (time) => {
    expect(instant.parse(time)).toBe(time);
  });
});

test('text that is no date at all is refused, never thrown on', () => {
  for (const text of ['yesterday', 'tomorrow', '', '2026-13-45', '20260329']) {
    expect(instant.safeParse(text).success).toBe(false);
    expect(calendarDate.safeParse(text).success).toBe(false);
  }
});
