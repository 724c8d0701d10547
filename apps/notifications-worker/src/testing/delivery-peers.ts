/// <reference path="./http-ece.d.ts" />
import { createECDH, randomBytes, type ECDH } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  /** The message with quoted-printable undone, to search for links and words. */
  decoded: string;
  /** The Message-ID header, which the worker derives from the event and the recipient. */
  messageId: string | undefined;
}

function decodeQuotedPrintable(raw: string): string {
  const joined = raw.replace(/=\r?\n/g, '');
  return Buffer.from(joined.replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
}

interface HeldMail {
  mail: ReceivedMail;
  sessionId: string;
  accept: () => void;
}

/**
 * A real SMTP peer (the `smtp-server` package) that keeps every message it
 * accepts. `hold()` makes it keep each message unanswered after its data, as a
 * slow server does; `release()` accepts the held messages whose sender is still
 * connected. One whose sender hung up first was never accepted (SMTP hands a
 * message over with the server's final reply), so it is not counted.
 */
export async function startSmtpPeer() {
  const received: ReceivedMail[] = [];
  let held: HeldMail[] | undefined;
  const gone = new Set<string>();
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // The peer never uses the client's host name, and looking it up waits on the machine's resolver, up to 1.5 s a connection.
    disableReverseLookup: true,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          decoded: decodeQuotedPrintable(raw),
          messageId: /^Message-ID:\s*(<[^>]+>)/im.exec(raw)?.[1],
        };
        if (held) {
          held.push({ mail, sessionId: session.id, accept: () => callback() });
          return;
        }
        received.push(mail);
        callback();
      });
    },
    onClose(session) {
      gone.add(session.id);
    },
  });
  // A sender that dies mid-session resets its connection; that is its business, not the peer's.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    to: (address: string) => received.filter((m) => m.to.includes(address)),
    hold() {
      held ??= [];
    },
    /** SMTP sessions opened so far. */
    connections: () => connections,
    /** Messages waiting for an answer right now. */
    holding: () => held?.filter((h) => !gone.has(h.sessionId)).length ?? 0,
    release() {
      const waiting = held ?? [];
      held = undefined;
      for (const h of waiting) {
        if (gone.has(h.sessionId)) continue;
        received.push(h.mail);
        h.accept();
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface PushRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** How a push service stand-in answers: 201 as a healthy one, 500 as a failing one, or never. */
export type PushAnswer = 'created' | 'error' | 'hang';

interface Pending {
  request: PushRequest;
  res: http.ServerResponse;
  /** Held by `hold()` (answered by `release()`), not hanging for good. */
  held: boolean;
}

/**
 * Stands in for a browser vendor's push service: records requests and answers
 * as told (201 by default, 410 under /gone/ whatever it is told). `hold()`
 * keeps requests unanswered; `release()` answers those whose sender is still
 * connected, and only they count as received, as with a real push service.
 */
export async function startPushService(options: { answer?: PushAnswer } = {}) {
  const received: PushRequest[] = [];
  const keys = new Map<string, { ecdh: ECDH; auth: string }>();
  const open = new Set<Pending>();
  let holding = false;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      if (request.path.startsWith('/gone/')) {
        received.push(request);
        res.writeHead(410).end();
      } else if (options.answer === 'error') {
        received.push(request);
        res.writeHead(500).end();
      } else if (options.answer === 'hang' || holding) {
        const hangs = options.answer === 'hang';
        if (hangs) received.push(request);
        const pending = { request, res, held: !hangs };
        open.add(pending);
        res.on('close', () => open.delete(pending));
      } else {
        received.push(request);
        res.writeHead(201).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    /** A subscription as a browser would make it, with real ECDH keys so web-push can encrypt. */
    subscription(path: string) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16).toString('base64url');
      keys.set(path, { ecdh, auth });
      return { endpoint: `${base}${path}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth } };
    },
    /** What a push carried, decrypted with its subscription's keys as the browser would. */
    payload(request: PushRequest): Record<string, unknown> {
      const key = keys.get(request.path);
      if (!key) throw new Error(`no subscription for ${request.path}`);
      const plain = ece.decrypt(request.body, { version: 'aes128gcm', privateKey: key.ecdh, authSecret: key.auth });
      return JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
    },
    /** Requests waiting for an answer right now, their senders still connected. */
    waiting: () => open.size,
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const pending of [...open]) {
        if (!pending.held) continue;
        open.delete(pending);
        received.push(pending.request);
        pending.res.writeHead(201).end();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
