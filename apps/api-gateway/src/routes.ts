import type { GatewayDeps } from './app';
import { clientIp, createLimiter } from './guards/rate-limit';
import type { AnyRoute } from './http/route';
import { secretBoxFromSetting } from '@coachline/runtime/secret-box';
import { featureRoutes } from './modules/features/features.routes';
import { FeatureService } from './modules/features/features.service';
import { analyticsRoutes } from './modules/analytics/analytics.routes';
import { AnalyticsService } from './modules/analytics/analytics.service';
import { triageRoutes } from './modules/triage/triage.routes';
import { TriageService } from './modules/triage/triage.service';
import { triageThresholds } from '@coachline/runtime/triage.config';
import { createAnalyticsCache } from '@coachline/runtime/analytics-cache';
import { nutritionRoutes } from './modules/nutrition/nutrition.routes';
import { generationRoutes } from './modules/generation/generation.routes';
import { GenerationService } from './modules/generation/generation.service';
import { adminRoutes } from './modules/admin/admin.routes';
import { AuditService } from './modules/admin/audit.service';
import { StatsService } from './modules/admin/stats.service';
import { integrationRoutes } from './modules/integrations/integrations.routes';
import { IntegrationService } from './modules/integrations/integration.service';
import { ProviderPushService } from './modules/integrations/provider-push.service';
import { providerWebhookRoutes } from './modules/integrations/provider-webhook.routes';
import { allowedReturnOrigins } from './modules/integrations/return-url';
import { notificationRoutes } from './modules/notifications/notifications.routes';
import { NotificationService } from './modules/notifications/notifications.service';
import { spaceRoutes } from './modules/spaces/spaces.routes';
import { SpaceService } from './modules/spaces/spaces.service';
import { AuthService } from './modules/identity/auth.service';
import { identityRoutes } from './modules/identity/identity.routes';
import { InvitationService } from './modules/identity/invitation.service';
import { LiveSessions } from './modules/identity/live-sessions';
import { MemberService } from './modules/identity/member.service';
import { PasswordService } from './modules/identity/password.service';
import { SessionIssuer } from './modules/identity/session-issuer';
import { mediaRoutes } from './modules/media/media.routes';
import { MediaService } from './modules/media/media.service';
import { UploadService } from './modules/media/upload.service';
import { ConversationService } from './modules/messaging/conversation.service';
import { messagingRoutes } from './modules/messaging/messaging.routes';
import { ExerciseService } from './modules/training/exercise.service';
import { ProgramService } from './modules/training/program.service';
import { ProgressService } from './modules/training/progress.service';
import { trainingRoutes } from './modules/training/training.routes';
import { WorkoutService } from './modules/training/workout.service';
import { workoutRoutes } from './modules/training/workout.routes';
import { availabilityRoutes } from './modules/scheduling/availability.routes';
import { AvailabilityService } from './modules/scheduling/availability.service';
import { calendarFeedRoutes } from './modules/scheduling/calendar-feed.routes';
import { CalendarFeedService } from './modules/scheduling/calendar-feed.service';
import { sessionRoutes } from './modules/scheduling/session.routes';
import { SessionService } from './modules/scheduling/session.service';
import { CheckoutService } from './modules/payments/checkout.service';
import { EntitlementService } from './modules/payments/entitlement.service';
import { paymentRoutes } from './modules/payments/payments.routes';
import { ProductService } from './modules/payments/product.service';
import { PurchaseService } from './modules/payments/purchase.service';
import { stripeAccountRoutes } from './modules/payments/stripe-account.routes';
import { StripeAccountService } from './modules/payments/stripe-account.service';
import { stripeWebhookRoutes } from './modules/payments/stripe-webhook.routes';
import { StripeWebhookService } from './modules/payments/stripe-webhook.service';
import { WebhookEndpointService } from './modules/webhooks/webhook-endpoint.service';
import { webhookRoutes } from './modules/webhooks/webhooks.routes';
import { loopbackAllowed } from '@coachline/runtime/outbound-http';
import { SendMessageUseCase } from '@coachline/use-cases/messaging/send-message.use-case';
import { AddBodyMetricUseCase } from '@coachline/use-cases/training/add-body-metric.use-case';
import { CompleteWorkoutUseCase } from '@coachline/use-cases/training/complete-workout.use-case';
import { DeleteSetUseCase } from '@coachline/use-cases/training/delete-set.use-case';
import { LogSetUseCase } from '@coachline/use-cases/training/log-set.use-case';
import { StartWorkoutUseCase } from '@coachline/use-cases/training/start-workout.use-case';
import { UpdateSetUseCase } from '@coachline/use-cases/training/update-set.use-case';
import { SyncChangesService } from './modules/sync/sync-changes.service';
import { SyncMutationsService } from './modules/sync/sync-mutations.service';
import { syncRoutes } from './modules/sync/sync.routes';

/** Every /v1 route, built from the services of each module. */
export function createRoutes(deps: GatewayDeps): AnyRoute[] {
  const { config, db, redis, tokens, storage, live, logger, queues, stripe, providers, features } = deps;
  const sessions = new SessionIssuer(tokens, config.REFRESH_TOKEN_TTL_SECONDS);
  const secrets = secretBoxFromSetting(config.ENCRYPTION_KEYS);
  const liveSessions = new LiveSessions(live);
  const hour = 3600;
  // One cache for analytics and triage: they share the tenant's generation, which the analytics consumer increments.
  const analyticsCache = createAnalyticsCache(redis, deps.metrics, { ttlSeconds: config.ANALYTICS_CACHE_TTL_SECONDS, lockMs: config.ANALYTICS_CACHE_LOCK_MS, pollMs: 20 });
  /** A wrong password counts like a failed login, whether at login or when changing it. */
  const failedLogins = {
    windowSeconds: config.RATE_LIMIT_FAILED_LOGIN_WINDOW_SECONDS,
    limit: config.RATE_LIMIT_FAILED_LOGINS_PER_ACCOUNT,
    failClosed: true,
    countFailuresOnly: true,
  };
  const emailOf = (body: unknown) => {
    const email = (body as { email?: unknown } | undefined)?.email;
    return typeof email === 'string' && email.length <= 254 ? email.trim().toLowerCase() : undefined;
  };
  // One instance of each use case, whichever transport calls it.
  const training = {
    start: new StartWorkoutUseCase(db),
    logSet: new LogSetUseCase(db, live, logger),
    complete: new CompleteWorkoutUseCase(db),
    addBodyMetric: new AddBodyMetricUseCase(db),
    updateSet: new UpdateSetUseCase(db, live, logger),
    deleteSet: new DeleteSetUseCase(db, live, logger),
  };
  const sendMessage = new SendMessageUseCase(db, live, logger);
  return [
    ...identityRoutes(
      {
        auth: new AuthService(db, sessions),
        invitations: new InvitationService(db, sessions, config.INVITATION_TTL_SECONDS, secrets),
        members: new MemberService(db, liveSessions),
        passwords: new PasswordService(db, secrets, liveSessions),
      },
      {
        loginPerIp: createLimiter(redis, { name: 'login-ip', windowSeconds: hour, limit: config.RATE_LIMIT_LOGIN_PER_IP_PER_HOUR, key: clientIp, failClosed: true }),
        loginPerAccount: createLimiter(redis, { ...failedLogins, name: 'login-account', key: (req) => emailOf(req.body) }),
        signupPerIp: createLimiter(redis, { name: 'signup-ip', windowSeconds: hour, limit: config.RATE_LIMIT_SIGNUP_PER_IP_PER_HOUR, key: clientIp, failClosed: true }),
        invitePerIp: createLimiter(redis, { name: 'invite-ip', windowSeconds: hour, limit: config.RATE_LIMIT_INVITE_PER_IP_PER_HOUR, key: clientIp, failClosed: true }),
        passwordResetPerIp: createLimiter(redis, { name: 'password-reset-ip', windowSeconds: hour, limit: config.RATE_LIMIT_PASSWORD_RESET_PER_IP_PER_HOUR, key: clientIp, failClosed: true }),
        passwordResetPerAccount: createLimiter(redis, {
          name: 'password-reset-account',
          windowSeconds: hour,
          limit: config.RATE_LIMIT_PASSWORD_RESETS_PER_ACCOUNT_PER_HOUR,
          key: (req) => emailOf(req.body),
          failClosed: true,
        }),
        passwordChangePerUser: createLimiter(redis, { ...failedLogins, name: 'password-change-user', key: (req) => (req.res?.locals.actor as { userId?: string } | undefined)?.userId }),
      },
    ),
    ...adminRoutes(new AuditService(db), new StatsService(db, queues)),
    ...mediaRoutes(
      new UploadService(db, storage, {
        maxFileBytes: config.MEDIA_MAX_FILE_BYTES,
        defaultQuotaBytes: config.MEDIA_TENANT_QUOTA_BYTES,
        partSizeBytes: config.MEDIA_PART_SIZE_BYTES,
        uploadUrlTtlSeconds: config.MEDIA_UPLOAD_URL_TTL_SECONDS,
      }),
      new MediaService(db, storage, config.MEDIA_PLAYBACK_URL_TTL_SECONDS),
      {
        uploadsPerUser: createLimiter(redis, {
          name: 'uploads-user',
          windowSeconds: hour,
          limit: config.RATE_LIMIT_UPLOADS_PER_USER_PER_HOUR,
          key: (req) => (req.res?.locals.actor as { userId?: string } | undefined)?.userId,
          failClosed: false,
        }),
      },
    ),
    ...trainingRoutes(new ExerciseService(db), new ProgramService(db)),
    ...workoutRoutes(new WorkoutService(db), new ProgressService(db), training),
    ...messagingRoutes(new ConversationService(db), sendMessage),
    ...syncRoutes(
      new SyncChangesService(db),
      new SyncMutationsService(db, { startWorkout: training.start, logSet: training.logSet, completeWorkout: training.complete, sendMessage, addBodyMetric: training.addBodyMetric, updateSet: training.updateSet, deleteSet: training.deleteSet }, logger),
    ),
    ...availabilityRoutes(new AvailabilityService(db)),
    ...sessionRoutes(new SessionService(db)),
    ...calendarFeedRoutes(
      new CalendarFeedService(db, config.PUBLIC_APP_URL),
      createLimiter(redis, { name: 'calendar-ip', windowSeconds: hour, limit: config.RATE_LIMIT_CALENDAR_PER_IP_PER_HOUR, key: clientIp, failClosed: false }),
    ),
    ...spaceRoutes(new SpaceService(db)),
    ...notificationRoutes(new NotificationService(db, { allowLoopbackPush: loopbackAllowed(config) })),
    ...paymentRoutes(new ProductService(db), new CheckoutService(db, stripe, logger, config.STRIPE_APPLICATION_FEE_BPS), new PurchaseService(db, stripe, logger), new EntitlementService(db)),
    ...stripeAccountRoutes(new StripeAccountService(db, stripe, config.PUBLIC_APP_URL, logger)),
    ...nutritionRoutes(),
    ...analyticsRoutes(new AnalyticsService(db, analyticsCache)),
    ...triageRoutes(new TriageService(db, analyticsCache, triageThresholds(config))),
    ...featureRoutes(new FeatureService(db, features)),
    ...generationRoutes(new GenerationService(db, features)),
    ...stripeWebhookRoutes(new StripeWebhookService(db, stripe, config.STRIPE_WEBHOOK_SECRET, logger)),
    ...integrationRoutes(
      new IntegrationService(db, providers, secrets, logger, {
        publicUrl: config.PUBLIC_APP_URL,
        stateTtlSeconds: config.INTEGRATION_STATE_TTL_SECONDS,
        returnOrigins: allowedReturnOrigins(config.CORS_ORIGINS, config.PUBLIC_APP_URL),
      }),
    ),
    ...providerWebhookRoutes(new ProviderPushService(db, providers)),
    ...webhookRoutes(new WebhookEndpointService(db, secrets, { allowLoopback: loopbackAllowed(config) })),
  ];
}
