import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/*
 * TOTP secrets at rest. Unlike a password, the server must read the secret back to check a code,
 * so it cannot be hashed; encrypted with a key that lives in the configuration, not the database,
 * a leaked dump or backup does not hand out everyone's second factor (docs/security.md: secrets
 * never rest in plain text where they are not needed). AES-256-GCM: authenticated, so a value
 * tampered with in the database fails to open instead of yielding a wrong secret. The user id is
 * the associated data: a ciphertext copied onto another user's row does not open there.
 *
 * Format: `v1.<iv>.<ciphertext>.<tag>` (base64url). Keys are tried newest first, so an old key
 * still opens what it sealed, and a secret opened with an old key is re-sealed with the newest
 * when its code is next accepted (`stale`), so an old key can be dropped after a while.
 */
const VERSION = 'v1';

export function sealSecret(plain: string, userId: string, keys: readonly Buffer[]): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys[0], iv);
  cipher.setAAD(Buffer.from(userId));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [VERSION, iv, body, cipher.getAuthTag()].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
}

export interface OpenedSecret {
  plain: string;
  /** Opened with an older key than the newest. */
  stale: boolean;
}

/** The secret, or null when no key opens it (wrong key, another user's row, or tampered). */
export function openSecret(sealed: string, userId: string, keys: readonly Buffer[]): OpenedSecret | null {
  const [version, iv, body, tag, ...rest] = sealed.split('.');
  if (version !== VERSION || rest.length > 0 || !iv || !body || !tag) {
    return null;
  }
  for (const [i, key] of keys.entries()) {
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(userId));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      return { plain, stale: i > 0 };
    } catch {
      // not this key
    }
  }
  return null;
}
