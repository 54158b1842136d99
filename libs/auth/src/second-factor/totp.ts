import { generateSecret, generateSync, generateURI, verifySync } from 'otplib';

/** RFC 6238 as every authenticator app does it: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;

/** What a code field may hold: six digits, spaces allowed between them (apps show "123 456"). */
const CODE_SHAPE = /^\d{6}$/;

/** The digits of a typed code, or null when it cannot be a TOTP code at all (checked before any work). */
export function totpCodeOf(input: unknown): string | null {
  if (typeof input !== 'string' || input.length > 20) {
    return null;
  }
  const digits = input.replace(/\s/g, '');
  return CODE_SHAPE.test(digits) ? digits : null;
}

/** A new secret: 20 random bytes (160 bits, RFC 4226's recommendation), base32 for the apps. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The `otpauth://` URI an authenticator app reads from the QR code. */
export function totpUri(secret: string, issuer: string, account: string): string {
  return generateURI({ issuer, label: account, secret, period: TOTP_PERIOD_SECONDS });
}

/** The time step a moment falls in. */
export function stepAt(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code for a moment (tests, and nothing else: the server never shows a code). */
export function totpCodeAt(secret: string, nowMs: number): string {
  return generateSync({ secret, epoch: Math.floor(nowMs / 1000), period: TOTP_PERIOD_SECONDS });
}

/**
 * The time step `code` belongs to, or null. Accepts the current step and one either side (a
 * phone's clock drifts and a code typed at the end of its step arrives in the next: RFC 6238
 * section 5.2 recommends at most one step back), but never a step at or before `lastStep`, the
 * last one accepted: a code is good once, even within its window.
 */
export function matchTotp(secret: string, code: string, nowMs: number, lastStep: number | null): number | null {
  const result = verifySync({
    secret,
    token: code,
    epoch: Math.floor(nowMs / 1000),
    period: TOTP_PERIOD_SECONDS,
    epochTolerance: TOTP_PERIOD_SECONDS,
    ...(lastStep === null ? {} : { afterTimeStep: lastStep }),
  });
  // The result type also covers HOTP, which has no time step.
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
