import type { TenantTx } from '@coachline/db/database';
import { newId } from '@coachline/db/ids';
import type { Role } from '@coachline/domain/roles';
import type { AccessTokens } from '@coachline/runtime/access-token';
import { insertRefreshToken } from './identity.repository';
import { issueOpaqueToken } from './opaque-token';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/**
 * Mints an access token and a refresh token (a new family unless one is given)
 * in the caller's transaction, for a member of the transaction's tenant.
 */
export class SessionIssuer {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly refreshTtlSeconds: number,
  ) {}

  async issue(tx: TenantTx, member: { userId: string; role: Role }, familyId: string = newId()): Promise<TokenPair> {
    const claims = { userId: member.userId, tenantId: tx.scope.tenantId, role: member.role };
    const refresh = issueOpaqueToken('rt', claims.tenantId);
    await insertRefreshToken(tx, {
      userId: claims.userId,
      familyId,
      tokenHash: refresh.hash,
      expiresAt: new Date(Date.now() + this.refreshTtlSeconds * 1000),
    });
    // The family names the session, so ending it (logout, password change) reaches its access tokens too.
    return { accessToken: this.tokens.sign({ ...claims, sessionId: familyId }), refreshToken: refresh.token, expiresIn: this.tokens.ttlSeconds };
  }
}
