import { randomBytes } from 'node:crypto';
import { createSecretBox, parseEncryptionKeys, SecretBoxError, sealedWithOldKey } from './secret-box';

const key = () => randomBytes(32).toString('base64');

describe('secret box', () => {
  const k1 = key();
  const k2 = key();

  test('seals and opens, never showing the plaintext', () => {
    const box = createSecretBox(parseEncryptionKeys(`k1:${k1}`));
    const sealed = box.seal('whsec_abc123', 'webhook_endpoints:42');
    expect(sealed).not.toContain('whsec_abc123');
    expect(sealed.startsWith('v1.k1.')).toBe(true);
    expect(box.open(sealed, 'webhook_endpoints:42')).toBe('whsec_abc123');
    // A fresh IV each time: equal secrets do not look equal at rest.
    expect(box.seal('whsec_abc123', 'webhook_endpoints:42')).not.toBe(sealed);
  });

  test('refuses a value moved to another row, or altered', () => {
    const box = createSecretBox(parseEncryptionKeys(`k1:${k1}`));
    const sealed = box.seal('token', 'integrations:1');
    expect(() => box.open(sealed, 'integrations:2')).toThrow(SecretBoxError);
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'), 'integrations:1')).toThrow(SecretBoxError);
    expect(() => box.open('plain text', 'integrations:1')).toThrow(SecretBoxError);
  });

  test('keys rotate: old values open with the key they name, new ones use the first key', () => {
    const before = createSecretBox(parseEncryptionKeys(`k1:${k1}`));
    const old = before.seal('refresh-token', 'integrations:7');
    const after = createSecretBox(parseEncryptionKeys(`k2:${k2},k1:${k1}`));
    expect(after.open(old, 'integrations:7')).toBe('refresh-token');
    expect(sealedWithOldKey(after, old)).toBe(true);
    const resealed = after.seal('refresh-token', 'integrations:7');
    expect(resealed.startsWith('v1.k2.')).toBe(true);
    expect(sealedWithOldKey(after, resealed)).toBe(false);
    const retired = createSecretBox(parseEncryptionKeys(`k2:${k2}`));
    expect(() => retired.open(old, 'integrations:7')).toThrow(/unknown key "k1"/);
  });

  test.each(['', 'k1', `k1:${Buffer.alloc(16).toString('base64')}`, `k1:${k1},k1:${k2}`, `bad id:${k1}`])('refuses key setting %j', (setting) => {
    expect(() => parseEncryptionKeys(setting)).toThrow(SecretBoxError);
  });
});
