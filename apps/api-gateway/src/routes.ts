import type { Queue } from 'bullmq';
import type { QueueName } from '@coachline/domain/queues';
import type { GatewayDeps } from './app';
import { clientIp, createLimiter } from './guards/rate-limit';
import type { AnyRoute } from './http/route';
import { adminRoutes } from './modules/admin/admin.routes';
import { AuditService } from './modules/admin/audit.service';
import { StatsService } from './modules/admin/stats.service';
import { notificationRoutes } from './modules/notifications/notifications.routes';
import { NotificationService } from './modules/notifications/notifications.service';
import { spaceRoutes } from './modules/spaces/spaces.routes';
import { SpaceService } from './modules/spaces/spaces.service';
import { AuthService } from './modules/identity/auth.service';
import { identityRoutes } from './modules/identity/identity.routes';
import { InvitationService } from './modules/identity/invitation.service';
import { MemberService } from './modules/identity/member.service';
import { SessionIssuer } from './modules/identity/session-issuer';

/** Every /v1 route, built from the services of each module. */
export function createRoutes(deps: GatewayDeps, queues: Record<QueueName, Queue>): AnyRoute[] {
  const { config, db, redis, tokens } = deps;
  const sessions = new SessionIssuer(tokens, config.REFRESH_TOKEN_TTL_SECONDS);
  const hour = 3600;
  const emailOf = (body: unknown) => {
    const email = (body as { email?: unknown } | undefined)?.email;
    return typeof email === 'string' && email.length <= 254 ? email.trim().toLowerCase() : undefined;
  };
  return [
    ...identityRoutes(new AuthService(db, sessions), new InvitationService(db, sessions, config.INVITATION_TTL_SECONDS), new MemberService(db), {
      loginPerIp: createLimiter(redis, { name: 'login-ip', windowSeconds: hour, limit: config.RATE_LIMIT_LOGIN_PER_IP_PER_HOUR, key: clientIp, failClosed: true }),
      loginPerAccount: createLimiter(redis, {
        name: 'login-account',
        windowSeconds: config.RATE_LIMIT_FAILED_LOGIN_WINDOW_SECONDS,
        limit: config.RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT,
        key: (req) => emailOf(req.body),
        failClosed: true,
        countFailuresOnly: true,
      }),
      signupPerIp: createLimiter(redis, { name: 'signup-ip', windowSeconds: hour, limit: config.RATE_LIMIT_SIGNUP_PER_IP_PER_HOUR, key: clientIp, failClosed: true }),
      invitePerIp: createLimiter(redis, { name: 'invite-ip', windowSeconds: hour, limit: config.RATE_LIMIT_INVITE_PER_IP_PER_HOUR, key: clientIp, failClosed: true }),
    }),
    ...adminRoutes(new AuditService(db), new StatsService(db, queues)),
    ...spaceRoutes(new SpaceService(db)),
    ...notificationRoutes(new NotificationService(db)),
  ];
}
