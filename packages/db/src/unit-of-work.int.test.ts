import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterCommit, createDatabase } from './database';
import { emit } from './outbox';

/**
 * A unit of work is one transaction that every withTenant of the same scope
 * joins: the Idempotency-Key guard stores a response in the transaction of
 * the write it describes. These tests prove that the joined work commits and
 * rolls back with the unit, and that after-commit work waits for the unit.
 */
const database = createDatabase({ url: process.env.DATABASE_URL!, systemUrl: process.env.DATABASE_SYSTEM_URL, poolSize: 4 });
const tenantId = randomUUID();

beforeAll(() => database.withSystem((tx) => tx.execute(sql`INSERT INTO tenants (id, name) VALUES (${tenantId}, 'Unit of work')`)));
afterAll(() => database.close());

const outboxRowsFor = async (postId: string): Promise<number> =>
  (await database.withSystem((tx) => tx.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM outbox_events WHERE payload->>'postId' = ${postId}`))).rows[0]!.n;

const emitPost = (scope: { tenantId: string; requestId?: string }, postId: string) => database.withTenant(scope, (tx) => emit(tx, 'post.created', { postId, spaceId: randomUUID(), authorId: randomUUID() }));

test('work joined to a unit rolls back when the unit fails after it, and its after-commit work never runs', async () => {
  const scope = { tenantId, requestId: 'unit-rollback' };
  const postId = randomUUID();
  const announced: string[] = [];
  await expect(
    database.unitOfWork(scope, async () => {
      await database.withTenant(scope, async (tx) => {
        await emit(tx, 'post.created', { postId, spaceId: randomUUID(), authorId: randomUUID() });
        afterCommit(tx, () => announced.push(postId));
      });
      throw new Error('the bookkeeping after the write failed');
    }),
  ).rejects.toThrow('bookkeeping');
  expect(await outboxRowsFor(postId)).toBe(0);
  expect(announced).toEqual([]);
});

test('work joined to a unit commits with it, and after-commit work runs only once the unit has committed', async () => {
  const scope = { tenantId, requestId: 'unit-commit' };
  const postId = randomUUID();
  const seenAtAnnouncement: number[] = [];
  let committedInside = -1;
  await database.unitOfWork(scope, async () => {
    await database.withTenant(scope, async (tx) => {
      await emit(tx, 'post.created', { postId, spaceId: randomUUID(), authorId: randomUUID() });
      afterCommit(tx, () => void outboxRowsFor(postId).then((n) => seenAtAnnouncement.push(n)));
    });
    // The joined transaction has returned, but nothing is visible outside the unit yet.
    committedInside = await outboxRowsFor(postId);
  });
  expect(committedInside).toBe(0);
  expect(await outboxRowsFor(postId)).toBe(1);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(seenAtAnnouncement).toEqual([1]);
});

test('another scope object does not join: it is another request', async () => {
  const scope = { tenantId, requestId: 'unit-a' };
  const postId = randomUUID();
  await expect(
    database.unitOfWork(scope, async () => {
      await emitPost({ tenantId, requestId: 'unit-b' }, postId);
      throw new Error('only the unit rolls back');
    }),
  ).rejects.toThrow('only the unit');
  expect(await outboxRowsFor(postId)).toBe(1);
});

test('reads inside a unit see its own writes', async () => {
  const scope = { tenantId, requestId: 'unit-read' };
  const postId = randomUUID();
  const seen = await database.unitOfWork(scope, async () => {
    await emitPost(scope, postId);
    return database.readAsTenant(scope, async (tx) => (await tx.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM outbox_events WHERE payload->>'postId' = ${postId}`)).rows[0]!.n);
  });
  expect(seen).toBe(1);
});
