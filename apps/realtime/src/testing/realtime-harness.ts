import { randomBytes, randomUUID } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { createDatabase, type Database } from '@coachline/db/database';
import { seedExerciseLibrary } from '@coachline/db/exercise-library';
import { newId } from '@coachline/db/ids';
import { exercises, memberships, tenants, users, workouts } from '@coachline/db/schema/index';
import type { Role } from '@coachline/domain/roles';
import type { ClientToServerEvents, ServerToClientEvents } from '@coachline/domain/socket';
import { AccessTokens } from '@coachline/runtime/access-token';
import { loadConfig } from '@coachline/runtime/config';
import { createLogger } from '@coachline/runtime/logger';
import { createMetricsRegistry } from '@coachline/runtime/metrics';
import { createRedis, type Redis } from '@coachline/runtime/redis';
import { configSchema } from '../config';
import { createRealtimeServer, type RealtimeServer } from '../realtime-server';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Member {
  id: string;
  role: Role;
  tenantId: string;
  token: string;
}

/**
 * Shared pieces for realtime tests: a database and Redis from `pnpm test`'s
 * environment, a signing key, and tenants written straight into Postgres
 * (apps never import each other, so there is no gateway to sign up through).
 */
export function realtimeTestKit(env: Record<string, string> = {}) {
  const config = loadConfig(configSchema, { JWT_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'silent', ...env });
  const db: Database = createDatabase({ url: config.DATABASE_URL, poolSize: 5 });
  const redisClients: Redis[] = [];
  const servers: RealtimeServer[] = [];
  const sockets: Client[] = [];
  const tokens = new AccessTokens({ secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS });

  async function startServer(overrides: Partial<typeof config> = {}): Promise<{ server: RealtimeServer; url: string }> {
    const redis = createRedis(config.REDIS_URL, { maxRetriesPerRequest: 20 });
    redisClients.push(redis);
    const server = createRealtimeServer({ config: { ...config, ...overrides }, logger: createLogger('realtime', config.LOG_LEVEL), db, redis, tokens, metrics: createMetricsRegistry('realtime') });
    servers.push(server);
    const port = await server.listen(0);
    return { server, url: `http://127.0.0.1:${port}` };
  }

  /** Closes one server before the others, as when an instance stops. */
  async function stopServer(server: RealtimeServer): Promise<void> {
    servers.splice(servers.indexOf(server), 1);
    await server.close();
  }

  /** A tenant with its exercise library, an ADMIN, a COACH and two ATHLETEs. */
  async function tenantWithTeam() {
    const tenantId = newId();
    const team = { admin: 'ADMIN', coach: 'COACH', athlete: 'ATHLETE', athlete2: 'ATHLETE' } as const;
    const members = {} as Record<keyof typeof team, Member>;
    const exerciseId = await db.withTenant({ tenantId }, async (tx) => {
      await tx.insert(tenants).values({ id: tenantId, name: `Org ${tenantId.slice(-6)}` });
      for (const [key, role] of Object.entries(team) as [keyof typeof team, Role][]) {
        const id = newId();
        await tx.insert(users).values({ id, email: `${key}-${randomUUID()}@example.com`, name: key, passwordHash: 'unused' });
        await tx.insert(memberships).values({ tenantId, id: newId(), userId: id, role });
        members[key] = { id, role, tenantId, token: tokens.sign({ userId: id, tenantId, role }) };
      }
      await seedExerciseLibrary(tx);
      const [first] = await tx.select({ id: exercises.id }).from(exercises).limit(1);
      return first!.id;
    });
    return { tenantId, exerciseId, ...members };
  }

  async function startWorkout(athlete: Member): Promise<string> {
    const id = newId();
    await db.withTenant({ tenantId: athlete.tenantId }, (tx) => tx.insert(workouts).values({ tenantId: athlete.tenantId, id, athleteId: athlete.id, status: 'in_progress' }));
    return id;
  }

  /** A connected client, or the connect_error's message. */
  function client(url: string, token: string | undefined, extraHeaders?: Record<string, string>): Promise<Client> {
    const socket: Client = connect(url, { auth: token === undefined ? {} : { token }, extraHeaders, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (error) => reject(error));
    });
  }

  return {
    config,
    db,
    tokens,
    startServer,
    stopServer,
    tenantWithTeam,
    startWorkout,
    client,
    async close() {
      for (const socket of sockets) socket.disconnect();
      for (const server of servers) await server.close();
      for (const redis of redisClients) await redis.quit().catch(() => undefined);
      await db.close();
    },
  };
}

/** Resolves with the next payload of `event` that satisfies `match`. */
export function nextEvent<E extends keyof ServerToClientEvents>(socket: Client, event: E, match: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true) {
  return new Promise<Parameters<ServerToClientEvents[E]>[0]>((resolve) => {
    const listener = (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      if (!match(payload)) return;
      socket.off(event, listener as never);
      resolve(payload);
    };
    socket.on(event, listener as never);
  });
}

/** Emits a client event and resolves with its acknowledgement. */
export function request(socket: Client, event: keyof ClientToServerEvents, payload: unknown): Promise<any> {
  return new Promise((resolve) => {
    (socket.emit as (...args: unknown[]) => void)(event, payload, resolve);
  });
}
