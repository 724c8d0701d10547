import type { Request } from 'express';
import { UnauthenticatedError } from '@coachline/domain/errors';
import { actorOf, type Actor } from '@coachline/domain/actor';
import { InvalidAccessTokenError } from '@coachline/runtime/access-token';
import { currentTraceparent } from '@coachline/runtime/tracing';
import { MemberAccess } from '@coachline/use-cases/identity/member-access';
import type { GatewayDeps } from './app';
import { createIdempotency } from './guards/idempotency';
import { RATE_LIMIT_PREFIX } from './guards/rate-limit';
import { createRequestQuota } from './guards/request-quota';
import type { Pipeline } from './http/route';

/** Authentication, shared rate limits and idempotency for every authenticated route. */
export function createPipeline(deps: GatewayDeps): Pipeline {
  const { config, redis, tokens } = deps;
  const access = new MemberAccess(deps.db);
  /** The token proves who and in which session; the role acted as is the member's current one. */
  const authenticate = async (req: Request): Promise<Actor> => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(header);
    if (!match) throw new UnauthenticatedError('A bearer access token is required.');
    let claims;
    try {
      claims = tokens.verify(match[1]!);
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) throw new UnauthenticatedError('The access token is invalid or expired.');
      throw error;
    }
    const role = await access.currentRole(claims);
    return actorOf({ ...claims, role }, (req.res?.locals.requestId as string | undefined) ?? '', currentTraceparent());
  };
  return {
    authenticate,
    authenticatedMiddleware: [
      createRequestQuota(redis, deps.logger, {
        windowSeconds: 60,
        userLimit: config.RATE_LIMIT_USER_PER_MINUTE,
        tenantLimit: config.RATE_LIMIT_TENANT_PER_MINUTE,
        prefix: RATE_LIMIT_PREFIX,
      }),
    ],
    idempotent: createIdempotency(deps.db),
  };
}
