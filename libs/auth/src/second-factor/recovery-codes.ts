import { createHash, randomInt } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;

/** 32 symbols, lower case, without the look-alikes 0/o and 1/l: easy to read off paper. */
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';
const GROUPS = 4;
const GROUP_LENGTH = 5;

/**
 * Ten fresh codes, `xxxxx-xxxxx-xxxxx-xxxxx`: 20 characters of 5 bits, 100 bits each. At that
 * entropy a SHA-256 digest is enough at rest (as for API keys): nobody can enumerate 2^100
 * candidates, so a slow password hash would only cost each sign-in time.
 */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    Array.from({ length: GROUPS }, () => Array.from({ length: GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')).join('-'),
  );
}

/** The code as typed, normalised (case, spaces and dashes do not matter), or null if it cannot be one. */
export function recoveryCodeOf(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 64) {
    return null;
  }
  const compact = input.toLowerCase().replace(/[\s-]/g, '');
  return compact.length === GROUPS * GROUP_LENGTH && [...compact].every((c) => ALPHABET.includes(c)) ? compact : null;
}

/** What is stored: the digest of the normalised code. */
export function recoveryCodeDigest(normalised: string): Buffer {
  return createHash('sha256').update(normalised).digest();
}
