import { decodeCursor, encodeCursor } from './pagination';

const id = '0190f0c8-0000-7000-8000-000000000001';

test('a cursor round-trips', () => {
  expect(decodeCursor(encodeCursor({ id, at: '2026-03-29T07:00:00.000Z' }))).toEqual({ id, at: '2026-03-29T07:00:00.000Z' });
});

test.each(['0000-01-01T00:00:00.000Z', '1899-12-31T23:59:59.000Z', '2101-01-01T00:00:00.000Z', '9999-12-31T00:00:00.000Z', 'not a time'])('a cursor at %s is refused as malformed', (at) => {
  expect(() => decodeCursor(encodeCursor({ id, at }))).toThrow('The cursor is malformed.');
});
