import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** 24 random bytes (192 bits from the CSPRNG), base64url: exactly 32 characters. */
const ID_BYTES = 24;
const ID_FORMAT = /^[A-Za-z0-9_-]{32}$/;

export function generateSessionId(): string {
  return randomBytes(ID_BYTES).toString('base64url');
}

/**
 * The only ids any store accepts. Checked before a Redis key or a file path is built from an
 * id, so `../x`, `a/b`, `a\b`, NUL bytes, empty or huge strings never reach the backend.
 */
export function isValidSessionId(id: unknown): id is string {
  return typeof id === 'string' && ID_FORMAT.test(id);
}

export class InvalidSessionIdError extends Error {
  constructor() {
    super('invalid session id');
    this.name = 'InvalidSessionIdError';
  }
}

export function assertValidSessionId(id: unknown): asserts id is string {
  if (!isValidSessionId(id)) {
    throw new InvalidSessionIdError();
  }
}

function mac(id: string, secret: string): string {
  return createHmac('sha256', secret).update(id).digest('base64url');
}

/** Cookie value: `<id>.<HMAC-SHA256(secret, id)>`, signed with the newest secret. */
export function signSessionId(id: string, secret: string): string {
  return `${id}.${mac(id, secret)}`;
}

export interface VerifiedSessionId {
  id: string;
  /** False when an older secret verified it: the cookie should be re-signed with the newest. */
  signedWithNewest: boolean;
}

/**
 * Checks the signature against every configured secret (newest first), in constant time.
 * Returns null for unsigned, forged or malformed values.
 */
export function verifySignedSessionId(value: string, secrets: readonly string[]): VerifiedSessionId | null {
  const dot = value.lastIndexOf('.');
  if (dot <= 0 || value.length > 200) {
    return null;
  }
  const id = value.slice(0, dot);
  if (!isValidSessionId(id)) {
    return null;
  }
  const given = Buffer.from(value.slice(dot + 1));
  for (const [i, secret] of secrets.entries()) {
    const expected = Buffer.from(mac(id, secret));
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      return { id, signedWithNewest: i === 0 };
    }
  }
  return null;
}
