import { formatMoney } from './money';

test('minor units are written with the currency’s own number of decimals', () => {
  expect(formatMoney(4900, 'usd')).toBe('49.00 USD');
  expect(formatMoney(5, 'eur')).toBe('0.05 EUR');
  expect(formatMoney(1500, 'jpy')).toBe('1500 JPY');
  expect(formatMoney(1234, 'kwd')).toBe('1.234 KWD');
  expect(formatMoney(-250, 'usd')).toBe('-2.50 USD');
  expect(() => formatMoney(1.5, 'usd')).toThrow(RangeError);
});
