import { generateSync } from 'otplib';
import type { FormClient } from './form-client.js';

/** The code an authenticator app shows `offsetMs` from now (30-second steps, 6 digits). */
export function totpCode(secret: string, offsetMs = 0): string {
  return generateSync({ secret, epoch: Math.floor((Date.now() + offsetMs) / 1000) });
}

/**
 * The code a user types next: the following step's, which the server still accepts (one step
 * of drift either way) and which is later than any step this secret has used so far in a test,
 * so it is not refused as a replay of the enrolment code.
 */
export const nextCode = (secret: string) => totpCode(secret, 30_000);

export function recoveryCodesIn(html: string): string[] {
  const list = /data-testid="recovery-codes">([\s\S]*?)<\/ul>/.exec(html);
  return list ? [...list[1].matchAll(/<li>([^<]+)<\/li>/g)].map((m) => m[1]) : [];
}

/** Turns the second factor on for a signed-in browser: the secret from the page, then a code. */
export async function enrol(b: FormClient): Promise<{ secret: string; codes: string[] }> {
  const page = await b.get('/account/two-factor');
  expect(page.status).toBe(200);
  const secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(page.text)![1];
  const confirmed = await b.post('/account/two-factor/confirm', { code: totpCode(secret) });
  expect(confirmed.status).toBe(200);
  const codes = recoveryCodesIn(confirmed.text);
  expect(codes).toHaveLength(10);
  return { secret, codes };
}

/** The password step of a sign-in (the login form, then the password): answers 303 to the code step. */
export async function passwordStep(b: FormClient, email: string, password: string): Promise<void> {
  await b.get('/login');
  const res = await b.post('/login', { email, password });
  expect([res.status, res.headers.location]).toEqual([303, '/login/code']);
  await b.get('/login/code'); // the code form: its CSRF token
}

/** Signs out like the page's button: a page first, for the session's own CSRF token. */
export async function signOut(b: FormClient): Promise<void> {
  await b.get('/account');
  expect((await b.post('/logout')).status).toBe(303);
}
