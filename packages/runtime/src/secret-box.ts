import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * Secrets the platform must read back later (an invitation's token for its
 * email, a webhook's signing secret, a provider's OAuth tokens) are stored
 * sealed with AES-256-GCM. A sealed value names the key that sealed it, so keys
 * rotate: new values use the current key, older ones open with the key they name.
 *
 * Format: `v1.<keyId>.<iv>.<ciphertext>.<tag>`, base64url parts.
 */

export class SecretBoxError extends Error {}

export interface SecretBox {
  readonly currentKeyId: string;
  /** `context` binds the value to where it is stored (a table and row id), so a sealed value cannot be moved elsewhere. */
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Parses `ENCRYPTION_KEYS`: comma-separated `keyId:base64key` pairs of 32-byte
 * keys, the current key first.
 */
export function parseEncryptionKeys(setting: string): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const entry of setting.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [id, encoded, ...rest] = entry.split(':');
    if (!id || !encoded || rest.length > 0 || !KEY_ID.test(id)) throw new SecretBoxError(`Encryption key entry "${id ?? ''}" must be keyId:base64key`);
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== 32) throw new SecretBoxError(`Encryption key "${id}" must be 32 bytes, base64-encoded`);
    if (keys.has(id)) throw new SecretBoxError(`Encryption key "${id}" is given twice`);
    keys.set(id, key);
  }
  if (keys.size === 0) throw new SecretBoxError('At least one encryption key is required');
  return keys;
}

export function createSecretBox(keys: Map<string, Buffer>): SecretBox {
  const [currentKeyId] = keys.keys();
  if (!currentKeyId) throw new SecretBoxError('At least one encryption key is required');
  const b64 = (buffer: Buffer) => buffer.toString('base64url');
  return {
    currentKeyId,
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keys.get(currentKeyId)!, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', currentKeyId, b64(iv), b64(ciphertext), b64(cipher.getAuthTag())].join('.');
    },
    open(sealed, context) {
      const [version, keyId, iv, ciphertext, tag] = sealed.split('.');
      if (version !== 'v1' || !keyId || !iv || ciphertext === undefined || !tag) throw new SecretBoxError('Not a sealed value');
      const key = keys.get(keyId);
      if (!key) throw new SecretBoxError(`Sealed with unknown key "${keyId}"`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretBoxError('The sealed value was altered or belongs elsewhere');
      }
    },
  };
}

/** Whether a sealed value should be sealed again under the current key. */
export function sealedWithOldKey(box: SecretBox, sealed: string): boolean {
  return sealed.split('.')[1] !== box.currentKeyId;
}

/** `ENCRYPTION_KEYS` for every process that seals or opens secrets; development gets one in .local/dev-secrets.json. */
export const encryptionConfigSchema = z.object({
  ENCRYPTION_KEYS: z.string().superRefine((value, ctx) => {
    try {
      parseEncryptionKeys(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  }),
});

export function secretBoxFromSetting(setting: string): SecretBox {
  return createSecretBox(parseEncryptionKeys(setting));
}
