import { ForbiddenError, UnauthenticatedError } from '@coachline/domain/errors';
import { authRefreshSchema, rooms } from '@coachline/domain/socket';
import { InvalidAccessTokenError, type AccessClaims, type AccessTokens } from '@coachline/runtime/access-token';
import { handler, type HandlerDeps } from '../ack';
import type { LiveSocket } from '../socket-types';

/**
 * `auth:refresh`: a client that refreshed its tokens over HTTP hands the new
 * access token to its open socket, which then lives until that token's
 * expiry instead of being cut when the one it connected with runs out. Only
 * a token of the same user and tenant is taken, and its session must still
 * be open. `extendLife` re-arms the socket's expiry.
 */
export function registerAuthHandlers(socket: LiveSocket, tokens: AccessTokens, deps: HandlerDeps, extendLife: (expiresAt: number) => void): void {
  socket.on(
    'auth:refresh',
    handler(socket, deps, 'auth:refresh', authRefreshSchema, async ({ token }) => {
      let claims: AccessClaims;
      try {
        claims = tokens.verify(token);
      } catch (error) {
        if (error instanceof InvalidAccessTokenError) throw new UnauthenticatedError('The access token is invalid or expired.');
        throw error;
      }
      if (claims.userId !== socket.data.userId || claims.tenantId !== socket.data.tenantId) throw new ForbiddenError('The token belongs to another user or organization.');
      const role = await deps.access.currentRole(claims, { fresh: true });
      const previousSession = socket.data.sessionId;
      socket.data = { ...claims, role };
      if (claims.sessionId && claims.sessionId !== previousSession) {
        // The new session's end closes the socket from now on, the old one's no longer.
        if (previousSession) await socket.leave(rooms.session(claims.tenantId, previousSession));
        await socket.join(rooms.session(claims.tenantId, claims.sessionId));
      }
      extendLife(claims.expiresAt);
      return { expiresAt: new Date(claims.expiresAt * 1000).toISOString() };
    }),
  );
}
