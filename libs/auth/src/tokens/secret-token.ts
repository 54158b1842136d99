import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, URL-safe: for mailed links and API key secrets. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * SHA-256 of a high-entropy secret. Unlike a password it cannot be guessed, so a fast digest is
 * enough to make a stolen database useless, and lookups can use an index.
 */
export function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function sameDigest(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const SECRET_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export function isSecretFormat(value: unknown): value is string {
  return typeof value === 'string' && SECRET_FORMAT.test(value);
}
