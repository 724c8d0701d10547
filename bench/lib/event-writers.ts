// The API's side of `pnpm bench events`, in its own process as the gateway is
// in production: posts created through the spaces service the route calls (the
// membership check, the post, its post.created outbox row and its audit row in
// one transaction).
// Reports each post's commit time.
import { performance } from 'node:perf_hooks';
import { createDatabase } from '@coachline/db/database';
import { SpaceService } from '@coachline/api-gateway/modules/spaces/spaces.service';
import { permissionsOf } from '@coachline/domain/roles';

export interface Fixture {
  tenantId: string;
  author: string;
  reader: string;
  spaceId: string;
}

export type WriteRequest =
  | { type: 'saturated'; fixtures: Fixture[]; from: number; count: number; writers: number }
  | { type: 'paced'; fixtures: Fixture[]; from: number; count: number; rate: number };

export interface Written {
  type: 'written';
  /** postId -> commit time, ms since the epoch (performance.timeOrigin based, comparable across processes). */
  commits: [string, number][];
  seconds: number;
}

const db = createDatabase({ url: process.env.DATABASE_URL!, systemUrl: process.env.DATABASE_SYSTEM_URL, poolSize: 16 });
const spaces = new SpaceService(db);
const now = () => performance.timeOrigin + performance.now();

async function run(request: WriteRequest): Promise<Written> {
  const commits: [string, number][] = [];
  async function post(i: number) {
    const f = request.fixtures[i % request.fixtures.length]!;
    const actor = { userId: f.author, tenantId: f.tenantId, role: 'ATHLETE' as const, permissions: permissionsOf('ATHLETE'), requestId: `bench-${i}` };
    const post = await spaces.createPost(actor, f.spaceId, () => ({ body: `bench post ${i}` }));
    commits.push([post.id, now()]);
  }
  const start = performance.now();
  const end = request.from + request.count;
  if (request.type === 'saturated') {
    let next = request.from;
    await Promise.all(
      Array.from({ length: request.writers }, async () => {
        while (next < end) await post(next++);
      }),
    );
  } else {
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < request.count; i++) {
      const wait = start + (i * 1000) / request.rate - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(post(request.from + i));
    }
    await Promise.all(inFlight);
  }
  return { type: 'written', commits, seconds: (performance.now() - start) / 1000 };
}

process.on('message', (request: WriteRequest | { type: 'close' }) => {
  if (request.type === 'close') {
    void db.close().then(() => process.exit(0));
    return;
  }
  run(request).then(
    (written) => process.send!(written),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
process.send!({ type: 'ready' });
