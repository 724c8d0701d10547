import winston from 'winston';
import { currentContext } from './context';

export type Logger = winston.Logger;

const SECRET_KEYS = /pass(word)?|secret|token|authorization|cookie|hash|params|parameters/i;

/**
 * Secrets and personal data recognised by their shape wherever they appear,
 * error messages and stacks included: a driver's error can quote a query's
 * parameters, and a key name alone does not catch that.
 */
const SECRET_VALUES: [RegExp, string][] = [
  // A query's parameters as pg and drizzle quote them in error messages.
  [/(\bparams?:)[^\n]*/gi, '$1 [redacted]'],
  [/\$argon2(?:id|i|d)\$[^\s"',]+/g, '[redacted-hash]'],
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, '[redacted-jwt]'],
  [/\b(?:rt|inv|cal|pwr)_[0-9a-f-]{36}\.[A-Za-z0-9_-]{20,}/g, '[redacted-token]'],
  [/\b(?:whsec|sk_live|sk_test|rk_live|rk_test)_[A-Za-z0-9+/=_-]{8,}/g, '[redacted-secret]'],
  [/\bBearer\s+[A-Za-z0-9._~+/-]+=*/g, 'Bearer [redacted]'],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[redacted-email]'],
];

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_VALUES) out = out.replace(pattern, replacement);
  return out;
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return redactText(value.stack ?? value.message);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, SECRET_KEYS.test(key) ? '[redacted]' : redactValue(item, depth + 1)]));
}

/** Drops values of keys that look secret and masks secret-looking values, so a careless log call cannot leak them. */
const redact = winston.format((info) => {
  for (const key of Object.keys(info)) {
    info[key] = SECRET_KEYS.test(key) ? '[redacted]' : redactValue(info[key], 0);
  }
  return info;
});

const withContext = winston.format((info) => {
  const context = currentContext();
  if (context) {
    for (const [key, value] of Object.entries(context)) {
      if (value !== undefined && info[key] === undefined) info[key] = value;
    }
  }
  return info;
});

/** JSON logs to stdout, each line carrying service, requestId, tenantId and userId when known. */
export function createLogger(service: string, level = 'info'): Logger {
  return winston.createLogger({
    level: level === 'silent' ? 'error' : level,
    silent: level === 'silent',
    defaultMeta: { service },
    format: winston.format.combine(withContext(), winston.format.errors({ stack: true }), redact(), winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console()],
  });
}
