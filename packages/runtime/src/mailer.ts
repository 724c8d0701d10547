import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import type { Logger } from './logger';
import { withBreaker, withRetries } from './circuit-breaker';

/** Where mail goes: every process that sends email reads these. */
export const mailConfigSchema = z.object({
  /** SMTP server (smtp://user:pass@host:port); unset writes each email as an .eml file into MAIL_DIR. */
  SMTP_URL: z.url().optional(),
  MAIL_DIR: z.string().default('.local/mail'),
  MAIL_FROM: z.string().min(3).default('Coachline <no-reply@coachline.local>'),
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
}

/** nodemailer reads transport options from the URL's query. */
function withTimeouts(smtpUrl: string, timeoutMs: number): string {
  const url = new URL(smtpUrl);
  for (const key of ['connectionTimeout', 'greetingTimeout', 'socketTimeout']) if (!url.searchParams.has(key)) url.searchParams.set(key, String(timeoutMs));
  return url.toString();
}

export function createMailer(options: MailerOptions): Mailer {
  const transport = options.smtpUrl
    ? nodemailer.createTransport(withTimeouts(options.smtpUrl, options.timeoutMs))
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  let dirReady: Promise<unknown> | undefined;

  const deliver = async (email: Email) => {
    const info = await transport.sendMail({ from: options.from, to: email.to, subject: email.subject, text: email.text, html: email.html, messageId: email.messageId });
    if (!options.smtpUrl) {
      dirReady ??= mkdir(options.mailDir, { recursive: true });
      await dirReady;
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 8)}.eml`;
      await writeFile(path.join(options.mailDir, name), (info as unknown as { message: Buffer }).message);
    }
  };
  const guarded = withBreaker('smtp', deliver, { timeoutMs: options.timeoutMs, logger: options.logger });
  return {
    send: (email) => withRetries(() => guarded(email), { attempts: 3, baseDelayMs: 200 }),
    close: () => transport.close(),
  };
}
