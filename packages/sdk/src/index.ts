export { createCoachlineClient, type CoachlineClient, type CoachlineClientOptions, type SignInAnswer } from './client';
export { ProblemError, type Problem, type ProblemFieldError } from './problem-error';
export { DEFAULT_RETRY, type RetryPolicy } from './retry-policy';
export { memoryTokenStore, type Tokens, type TokenStore } from './token-store';
export type { components, operations, paths } from './generated/openapi';
export { connectLive, LiveAckError, type LiveConnection, type LiveEmitEvents, type LiveErrorCode, type LiveListenEvents, type LiveOptions, type LiveReply, type LiveSocket } from './live-socket';
export type { ClientEvents, ServerEvents } from './generated/socket';
