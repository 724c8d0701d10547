/** pg's own parameter preparation (Dates, arrays, JSON, Buffers), which it ships without types. */
declare module 'pg/lib/utils' {
  export function prepareValue(value: unknown): string | Buffer | null | undefined;
}
