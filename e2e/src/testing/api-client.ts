import { randomUUID } from 'node:crypto';

export interface ApiUser {
  id: string;
  email: string;
  tenantId: string;
  accessToken: string;
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** An address in 198.18.0.0/15 (benchmarking range) for X-Forwarded-For, so per-IP limits never couple tests. */
const testIp = () => `198.${18 + Math.floor(Math.random() * 2)}.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`;

/**
 * The API of a gateway running as a process, over HTTP as a client calls it.
 * Tests that need a gateway in their own process use the gateway harness.
 */
export function apiClient(baseUrl: string) {
  async function request(method: string, path: string, options: { user?: { accessToken: string }; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
    const headers: Record<string, string> = { accept: 'application/json', 'x-forwarded-for': testIp(), ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.user) headers.authorization = `Bearer ${options.user.accessToken}`;
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
  }

  const expect201 = (what: string, reply: Reply) => {
    if (reply.status !== 201) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body;
  };

  async function signup(): Promise<ApiUser> {
    const email = `admin-${randomUUID()}@example.com`;
    const body = expect201('signup', await request('POST', '/v1/auth/signup', { body: { organizationName: `Org ${randomUUID().slice(0, 8)}`, name: 'Ada Admin', email, password: 'correct horse battery' } }));
    return { id: (body.user as { id: string }).id, email, tenantId: (body.tenant as { id: string }).id, accessToken: body.accessToken as string };
  }

  async function addMember(admin: ApiUser, role: 'COACH' | 'ATHLETE'): Promise<ApiUser> {
    const email = `${role.toLowerCase()}-${randomUUID()}@example.com`;
    const invite = expect201('invite', await request('POST', '/v1/invitations', { user: admin, body: { email, role } }));
    const accepted = expect201('accept', await request('POST', '/v1/invitations/accept', { body: { token: invite.token, name: `${role.toLowerCase()} ${randomUUID().slice(0, 6)}`, password: 'another good password' } }));
    return { id: (accepted.user as { id: string }).id, email, tenantId: admin.tenantId, accessToken: accepted.accessToken as string };
  }

  return {
    request,
    signup,
    addMember,
    /** An admin (who coaches) and `athletes` athletes in a fresh tenant. */
    async team(athletes = 2) {
      const coach = await signup();
      const members = await Promise.all(Array.from({ length: athletes }, () => addMember(coach, 'ATHLETE')));
      return { coach, athletes: members };
    },
    /** A space of `owner`'s with `members` in it. */
    async space(owner: ApiUser, members: ApiUser[]): Promise<string> {
      const space = expect201('space', await request('POST', '/v1/spaces', { user: owner, body: { name: 'Crew' } }));
      for (const member of members) expect201('space member', await request('POST', `/v1/spaces/${space.id as string}/members`, { user: owner, body: { userId: member.id } }));
      return space.id as string;
    },
    /** Uploads a file as a client does (intent, parts straight to the store, finalize); resolves with the media id. */
    async upload(user: ApiUser, file: Buffer, declared: { kind: 'image' | 'video'; contentType: string; filename: string }): Promise<string> {
      const intent = expect201('upload intent', await request('POST', '/v1/media/upload-intent', { user, body: { ...declared, sizeBytes: file.length } }));
      const partSize = intent.partSize as number;
      const parts = [];
      for (const part of intent.parts as Array<{ partNumber: number; url: string }>) {
        const res = await fetch(part.url, { method: 'PUT', body: file.subarray((part.partNumber - 1) * partSize, part.partNumber * partSize) });
        if (res.status !== 200) throw new Error(`part ${part.partNumber}: ${res.status}`);
        parts.push({ partNumber: part.partNumber, etag: res.headers.get('etag') });
      }
      const finalized = await request('POST', `/v1/media/${intent.mediaId as string}/finalize`, { user, body: { parts } });
      if (finalized.status !== 202) throw new Error(`finalize: ${finalized.status} ${JSON.stringify(finalized.body)}`);
      return intent.mediaId as string;
    },
    post: (user: ApiUser, spaceId: string, body: string, idempotencyKey?: string) =>
      request('POST', `/v1/spaces/${spaceId}/posts`, { user, body: { body }, headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {} }),
  };
}

export type ApiClient = ReturnType<typeof apiClient>;
