import { dictionary } from '@zxcvbn-ts/language-common';
import { normalizePassword } from './password-hasher.js';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

let common: Set<string> | undefined;

/**
 * About 18,000 of the most common passwords that meet the length rule (zxcvbn's list), loaded on
 * first use. No composition rules (NIST SP 800-63B, OWASP ASVS 6.2): length and "not a
 * well-known password" are what make a password hard to guess.
 */
function commonPasswords(): Set<string> {
  common ??= new Set((dictionary['passwords-common'] as string[]).filter((p) => p.length >= PASSWORD_MIN_LENGTH));
  return common;
}

/**
 * Why a password is refused, in words for the form, or null when it is acceptable. Length is
 * counted in characters (code points after normalisation), so any Unicode password works.
 */
export function passwordProblem(password: unknown, context: { email?: string } = {}): string | null {
  if (typeof password !== 'string' || password.length === 0) {
    return 'Enter a password.';
  }
  const normalized = normalizePassword(password);
  const length = [...normalized].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  }
  const lower = normalized.toLowerCase();
  if (commonPasswords().has(lower)) {
    return 'This password is one of the most commonly used ones. Choose another.';
  }
  if (context.email && lower === context.email.toLowerCase()) {
    return 'Do not use your email address as your password.';
  }
  return null;
}
