import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import pLimit from 'p-limit';
import { z } from 'zod';
import type { Logger } from './logger';
import { withBreaker, withRetries } from './circuit-breaker';

/** Where mail goes: every process that sends email reads these. */
export const mailConfigSchema = z.object({
  /** SMTP server (smtp://user:pass@host:port); unset writes each email as an .eml file into MAIL_DIR. */
  SMTP_URL: z.url().optional(),
  MAIL_DIR: z.string().default('.local/mail'),
  MAIL_FROM: z.string().min(3).default('Coachline <no-reply@coachline.local>'),
  /** SMTP connections a process keeps open and reuses; sends beyond them wait their turn. */
  SMTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(5),
});

export interface Email {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable across retries, so a receiving system can spot a duplicate. */
  messageId?: string;
}

export interface Mailer {
  send(email: Email): Promise<void>;
  close(): void;
}

export interface MailerOptions {
  from: string;
  /** SMTP URL; without it emails are written as .eml files into `mailDir` (development). */
  smtpUrl?: string;
  mailDir: string;
  timeoutMs: number;
  logger: Logger;
  /** Open SMTP connections, reused from message to message (default 5). */
  maxConnections?: number;
}

/** nodemailer reads transport options from the URL's query. */
function withTimeouts(smtpUrl: string, timeoutMs: number): string {
  const url = new URL(smtpUrl);
  for (const key of ['connectionTimeout', 'greetingTimeout', 'socketTimeout']) if (!url.searchParams.has(key)) url.searchParams.set(key, String(timeoutMs));
  return url.toString();
}

/**
 * Sends over a pool of SMTP connections: a connection per message pays the TCP
 * and SMTP handshakes (and TLS, with a real provider) every time, and a burst
 * opened as many connections as it had emails. At most `maxConnections` sends
 * run at once; the rest wait for a slot before the breaker's clock starts, so a
 * burst queued behind a healthy server is never counted as a failing one.
 */
export function createMailer(options: MailerOptions): Mailer {
  const maxConnections = options.maxConnections ?? 5;
  const transport = options.smtpUrl
    ? nodemailer.createTransport({ url: withTimeouts(options.smtpUrl, options.timeoutMs), pool: true, maxConnections })
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const slots = pLimit(maxConnections);
  let dirReady: Promise<unknown> | undefined;

  const deliver = async (email: Email) => {
    const info = await transport.sendMail({
      from: options.from,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: email.messageId,
      // Ends the send when the breaker gives up on it, so it frees its connection for the retry rather than holding it.
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (!options.smtpUrl) {
      dirReady ??= mkdir(options.mailDir, { recursive: true });
      await dirReady;
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 8)}.eml`;
      await writeFile(path.join(options.mailDir, name), (info as unknown as { message: Buffer }).message);
    }
  };
  const guarded = withBreaker('smtp', deliver, { timeoutMs: options.timeoutMs, logger: options.logger });
  return {
    send: (email) => withRetries(() => slots(() => guarded(email)), { attempts: 3, baseDelayMs: 200 }),
    close: () => transport.close(),
  };
}
