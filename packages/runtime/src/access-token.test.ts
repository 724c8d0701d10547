import { randomUUID } from 'node:crypto';
import { AccessTokens, InvalidAccessTokenError } from './access-token';

const tokens = () => new AccessTokens({ secret: 'a-test-secret-that-is-at-least-32-chars', issuer: 'coachline', audience: 'coachline-api', ttlSeconds: 60 });
const claims = { userId: randomUUID(), tenantId: randomUUID(), role: 'COACH' as const };

afterEach(() => jest.restoreAllMocks());

test('a token verified once is refused after it expires, although its claims are cached', () => {
  const issuer = tokens();
  const token = issuer.sign(claims);
  expect(issuer.verify(token)).toMatchObject(claims);
  expect(issuer.verify(token)).toMatchObject(claims);
  const now = Date.now();
  jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
  expect(() => issuer.verify(token)).toThrow(InvalidAccessTokenError);
});

test('a tampered copy of a cached token is verified in full and refused', () => {
  const issuer = tokens();
  const token = issuer.sign(claims);
  issuer.verify(token);
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const forged = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  forged.role = 'ADMIN';
  expect(() => issuer.verify(`${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`)).toThrow(InvalidAccessTokenError);
  expect(() => issuer.verify(`${token}x`)).toThrow(InvalidAccessTokenError);
});

test('cached claims cannot be altered by a caller', () => {
  const issuer = tokens();
  const token = issuer.sign(claims);
  const first = issuer.verify(token);
  expect(() => {
    (first as { role: string }).role = 'ADMIN';
  }).toThrow(TypeError);
  expect(issuer.verify(token).role).toBe('COACH');
});

test('the session travels in the token, and a token without one verifies without it', () => {
  const issuer = tokens();
  const sessionId = randomUUID();
  expect(issuer.verify(issuer.sign({ ...claims, sessionId }))).toMatchObject({ ...claims, sessionId });
  expect(issuer.verify(issuer.sign(claims))).not.toHaveProperty('sessionId');
});
