/// <reference path="./pg-utils.d.ts" />
import type pg from 'pg';
import { prepareValue } from 'pg/lib/utils';

/**
 * Replaces `$n` placeholders with quoted literals, so a statement can travel in
 * one simple-protocol batch together with the tenant setting. Values are
 * prepared exactly as pg prepares parameters and always quoted, so Postgres
 * types them from context as it types parameters; placeholders inside quoted
 * strings or identifiers are left alone.
 */
export function inlineParameters(text: string, values: readonly unknown[], escapeLiteral: (s: string) => string): string {
  if (values.length === 0) return text;
  // Copies the text between placeholders and quotes in slices: this runs for every batched statement.
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 39 || code === 34) {
      // A $n inside a quoted string or identifier is text, not a parameter.
      i = closingQuote(text, i, text[i]!);
      continue;
    }
    if (code === 36 && isDigit(text.charCodeAt(i + 1))) {
      let j = i + 1;
      while (j < text.length && isDigit(text.charCodeAt(j))) j++;
      const index = Number(text.slice(i + 1, j)) - 1;
      if (index < 0 || index >= values.length) throw new Error(`No value for placeholder $${index + 1}`);
      const prepared = prepareValue(values[index]);
      out += text.slice(copied, i);
      out += prepared === null || prepared === undefined ? 'NULL' : escapeLiteral(Buffer.isBuffer(prepared) ? `\\x${prepared.toString('hex')}` : String(prepared));
      copied = i = j;
      continue;
    }
    i++;
  }
  return out + text.slice(copied);
}

const isDigit = (code: number) => code >= 48 && code <= 57;

function closingQuote(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  return text.length;
}

type QueryConfig = pg.QueryConfig & { rowMode?: 'array'; types?: unknown };

/**
 * The client drizzle talks to inside withTenant. Statements travel in as few
 * round trips as the protocol allows:
 * - the transaction's prelude (BEGIN and the tenant setting) goes with its
 *   first statement;
 * - deferred statements (outbox and audit rows, whose results nobody reads)
 *   go with the next statement, or with COMMIT.
 * A batch is one simple-protocol query, so its parameters are inlined.
 */
export class StatementBatchingClient {
  private prelude: string | undefined;
  private deferred: string[] = [];
  private singleStatement = false;
  private statements = 0;

  constructor(readonly client: pg.PoolClient) {}

  /** Arms the prelude for the next transaction; `single` refuses a second statement. */
  arm(prelude: string, single: boolean): void {
    this.prelude = prelude;
    this.singleStatement = single;
    this.statements = 0;
    this.deferred = [];
  }

  /** Forgets the armed prelude and anything deferred; true when the prelude was never sent (the transaction never began). */
  disarm(): boolean {
    const unsent = this.prelude !== undefined;
    this.prelude = undefined;
    this.deferred = [];
    return unsent;
  }

  /**
   * Queues a write whose result is not needed: it runs, in order, just before
   * the transaction's next statement or its COMMIT, in the same round trip.
   * An error in it fails that statement or the commit, so the transaction
   * still rolls back as a whole.
   */
  defer(text: string, values: readonly unknown[]): void {
    if (this.singleStatement) throw new Error('readAsTenant runs exactly one read statement; use withTenant to write');
    this.deferred.push(inlineParameters(text, values, (s) => this.client.escapeLiteral(s)));
  }

  /** Commits whatever was sent or deferred; a transaction that never sent anything has nothing to commit. */
  async commit(): Promise<void> {
    if (this.prelude !== undefined && this.deferred.length === 0) {
      this.prelude = undefined;
      return;
    }
    await this.client.query([...this.takePending(), 'COMMIT'].join('; '));
  }

  async query(config: string | QueryConfig, values?: unknown[]): Promise<pg.QueryResult> {
    this.statements++;
    if (this.singleStatement && this.statements > 1) throw new Error('readAsTenant runs exactly one statement; use withTenant for more');
    if (this.prelude === undefined && this.deferred.length === 0) return this.client.query(config as never, values as never);
    const pending = this.takePending();
    const base: QueryConfig = typeof config === 'string' ? { text: config } : config;
    const text = inlineParameters(base.text, values ?? base.values ?? [], (s) => this.client.escapeLiteral(s));
    // A named (prepared) statement cannot hold several commands: inlined, it runs unnamed.
    const results = (await this.client.query({ ...base, name: undefined, text: [...pending, text].join('; '), values: undefined } as never)) as unknown as pg.QueryResult | pg.QueryResult[];
    return Array.isArray(results) ? results[results.length - 1]! : results;
  }

  /** The prelude (if not yet sent) and the deferred statements, which the caller is about to send. */
  private takePending(): string[] {
    const pending = this.prelude === undefined ? this.deferred : [this.prelude, ...this.deferred];
    this.prelude = undefined;
    this.deferred = [];
    return pending;
  }
}
