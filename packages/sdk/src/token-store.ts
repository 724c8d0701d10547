/** An access token and the refresh token that renews it. */
export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

/**
 * Where the client keeps the session. The default lives in memory; an app
 * that survives restarts passes one over its secure storage (Keychain,
 * Keystore, an HttpOnly-cookie-free web storage of its choice).
 */
export interface TokenStore {
  get(): Tokens | undefined | Promise<Tokens | undefined>;
  set(tokens: Tokens | undefined): void | Promise<void>;
}

export function memoryTokenStore(initial?: Tokens): TokenStore {
  let tokens = initial;
  return {
    get: () => tokens,
    set: (next) => {
      tokens = next;
    },
  };
}
