import { randomBytes } from 'node:crypto';

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
