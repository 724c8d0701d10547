/** How many minor units a currency's major unit has, as ISO 4217 says (2 for usd, 0 for jpy, 3 for kwd). */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Integer minor units as text ("49.00 USD"), by integer arithmetic alone: money never passes through a float. */
export function formatMoney(amountMinor: number, currency: string): string {
  if (!Number.isSafeInteger(amountMinor)) throw new RangeError('money is whole minor units');
  const digits = minorDigits(currency);
  const sign = amountMinor < 0 ? '-' : '';
  const units = String(Math.abs(amountMinor)).padStart(digits + 1, '0');
  const major = units.slice(0, units.length - digits);
  return `${sign}${major}${digits > 0 ? `.${units.slice(-digits)}` : ''} ${currency.toUpperCase()}`;
}
