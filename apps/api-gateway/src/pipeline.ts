import type { Request } from 'express';
import { UnauthenticatedError } from '@coachline/domain/errors';
import { permissionsOf } from '@coachline/domain/roles';
import { InvalidAccessTokenError } from '@coachline/runtime/access-token';
import { enrichContext } from '@coachline/runtime/context';
import type { GatewayDeps } from './app';
import { createIdempotency } from './guards/idempotency';
import { createLimiter } from './guards/rate-limit';
import type { Actor, Pipeline } from './http/route';

/** Authentication, shared rate limits and idempotency for every authenticated route. */
export function createPipeline(deps: GatewayDeps): Pipeline {
  const { config, redis, tokens } = deps;
  const authenticate = (req: Request): Actor => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
    if (!match) throw new UnauthenticatedError('A bearer access token is required.');
    try {
      const claims = tokens.verify(match[1]!);
      enrichContext({ tenantId: claims.tenantId, userId: claims.userId });
      return { userId: claims.userId, tenantId: claims.tenantId, role: claims.role, permissions: permissionsOf(claims.role), requestId: req.res?.locals.requestId ?? '' };
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) throw new UnauthenticatedError('The access token is invalid or expired.');
      throw error;
    }
  };
  const actorOf = (req: Request) => req.res?.locals.actor as Actor | undefined;
  return {
    authenticate,
    authenticatedMiddleware: [
      createLimiter(redis, { name: 'user', windowSeconds: 60, limit: config.RATE_LIMIT_USER_PER_MINUTE, key: (req) => actorOf(req)?.userId, failClosed: false }),
      createLimiter(redis, { name: 'tenant', windowSeconds: 60, limit: config.RATE_LIMIT_TENANT_PER_MINUTE, key: (req) => actorOf(req)?.tenantId, failClosed: false }),
    ],
    idempotent: createIdempotency(deps.db),
  };
}
