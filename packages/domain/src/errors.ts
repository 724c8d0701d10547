/** Stable error codes sent to clients in problem+json `code`. Adding one must extend `statusOf` in the gateway. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'UNSUPPORTED_API_VERSION',
  'METHOD_NOT_ALLOWED',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'GONE',
  'RATE_LIMITED',
  'QUOTA_EXCEEDED',
  'PAYMENT_REQUIRED',
  'INVALID_SIGNATURE',
  'INVALID_OAUTH_STATE',
  'WEBHOOK_REJECTED',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_KEY_IN_USE',
  'PAYLOAD_TOO_LARGE',
  'SERVICE_UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldError {
  path: string;
  message: string;
}

/** Base of every error the domain throws on purpose; never carries HTTP knowledge. */
export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
  constructor(
    message: string,
    readonly fieldErrors?: FieldError[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  readonly code = 'VALIDATION_FAILED' as const;
  constructor(message = 'The request is invalid.', fieldErrors: FieldError[] = []) {
    super(message, fieldErrors);
  }
}
/** The client named an API version this server does not serve. */
export class UnsupportedApiVersionError extends AppError {
  readonly code = 'UNSUPPORTED_API_VERSION' as const;
}
/** The path exists, but not for this method; `allow` lists the methods it has. */
export class MethodNotAllowedError extends AppError {
  readonly code = 'METHOD_NOT_ALLOWED' as const;
  constructor(
    message: string,
    readonly allow: string[],
  ) {
    super(message);
  }
}
export class UnsupportedMediaTypeError extends AppError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE' as const;
}
export class UnauthenticatedError extends AppError {
  readonly code = 'UNAUTHENTICATED' as const;
}
export class ForbiddenError extends AppError {
  readonly code = 'FORBIDDEN' as const;
}
export class NotFoundError extends AppError {
  readonly code = 'NOT_FOUND' as const;
}
export class ConflictError extends AppError {
  readonly code = 'CONFLICT' as const;
}
export class GoneError extends AppError {
  readonly code = 'GONE' as const;
}
export class RateLimitedError extends AppError {
  readonly code = 'RATE_LIMITED' as const;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
export class QuotaExceededError extends AppError {
  readonly code = 'QUOTA_EXCEEDED' as const;
}
export class IdempotencyKeyReusedError extends AppError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED' as const;
}
export class IdempotencyKeyInUseError extends AppError {
  readonly code = 'IDEMPOTENCY_KEY_IN_USE' as const;
}
/** The action costs something the caller does not hold (a session credit). */
export class PaymentRequiredError extends AppError {
  readonly code = 'PAYMENT_REQUIRED' as const;
}
/** A signed request (a provider's webhook) whose signature is missing, wrong or too old. */
export class InvalidSignatureError extends AppError {
  readonly code = 'INVALID_SIGNATURE' as const;
}
/** An OAuth callback whose `state` is unknown, expired or already used. */
export class InvalidOAuthStateError extends AppError {
  readonly code = 'INVALID_OAUTH_STATE' as const;
}
/** A provider's push that cannot be verified as the provider specifies (wrong subscription, outside the replay window). */
export class WebhookRejectedError extends AppError {
  readonly code = 'WEBHOOK_REJECTED' as const;
}
export class PayloadTooLargeError extends AppError {
  readonly code = 'PAYLOAD_TOO_LARGE' as const;
}
export class ServiceUnavailableError extends AppError {
  readonly code = 'SERVICE_UNAVAILABLE' as const;
}
