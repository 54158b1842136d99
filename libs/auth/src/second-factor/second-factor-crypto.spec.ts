import { randomBytes, randomUUID } from 'node:crypto';
import { signPendingLogin, verifyPendingLogin } from './pending-login.js';
import { newRecoveryCodes, RECOVERY_CODE_COUNT, recoveryCodeDigest, recoveryCodeOf } from './recovery-codes.js';
import { openSecret, sealSecret } from './secret-box.js';

const SECRET = 'test-session-secret-0123456789';
const userId = randomUUID();
const now = 1_800_000_000_000;
const login = { userId, authEpoch: 3, expiresAt: now + 300_000 };

describe('pending-login cookie', () => {
  const value = signPendingLogin(login, 'form-token-A', SECRET);

  it('verifies for the browser it was issued to, before it expires', () => {
    expect(verifyPendingLogin(value, 'form-token-A', [SECRET], now)).toEqual(login);
    // An older secret still verifies after a rotation (new first).
    expect(verifyPendingLogin(value, 'form-token-A', ['rotated-new-secret-012345', SECRET], now)).toEqual(login);
  });

  it('refuses another browser, an expired one, another secret', () => {
    expect(verifyPendingLogin(value, 'form-token-B', [SECRET], now)).toBeNull();
    expect(verifyPendingLogin(value, 'form-token-A', [SECRET], login.expiresAt)).toBeNull();
    expect(verifyPendingLogin(value, 'form-token-A', ['another-secret-0123456789'], now)).toBeNull();
  });

  it('cannot be altered to name another user, epoch or expiry', () => {
    const [, epoch, expires, mac] = value.split('.');
    const other = randomUUID();
    expect(verifyPendingLogin([other, epoch, expires, mac].join('.'), 'form-token-A', [SECRET], now)).toBeNull();
    expect(verifyPendingLogin([userId, '4', expires, mac].join('.'), 'form-token-A', [SECRET], now)).toBeNull();
    expect(verifyPendingLogin([userId, epoch, String(login.expiresAt + 1e9), mac].join('.'), 'form-token-A', [SECRET], now)).toBeNull();
  });

  it.each([undefined, '', 'x', `${value}.extra`, 'a'.repeat(500), `../${value}`, 42])('refuses malformed %p', (bad) => {
    expect(verifyPendingLogin(bad, 'form-token-A', [SECRET], now)).toBeNull();
  });
});

describe('TOTP secrets at rest (AES-256-GCM)', () => {
  const [newKey, oldKey] = [randomBytes(32), randomBytes(32)];

  it('opens what it sealed, only for the same user, and says when an old key opened it', () => {
    const sealed = sealSecret('JBSWY3DPEHPK3PXP', userId, [newKey]);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(openSecret(sealed, userId, [newKey])).toEqual({ plain: 'JBSWY3DPEHPK3PXP', stale: false });
    expect(openSecret(sealed, randomUUID(), [newKey])).toBeNull(); // copied onto another row
    expect(openSecret(sealed, userId, [oldKey])).toBeNull();
    expect(openSecret(sealSecret('JBSWY3DPEHPK3PXP', userId, [oldKey]), userId, [newKey, oldKey])).toEqual({ plain: 'JBSWY3DPEHPK3PXP', stale: true });
  });

  it('refuses tampered or malformed values', () => {
    const sealed = sealSecret('JBSWY3DPEHPK3PXP', userId, [newKey]);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[2], 'base64url');
    body[0] ^= 1;
    parts[2] = body.toString('base64url');
    expect(openSecret(parts.join('.'), userId, [newKey])).toBeNull();
    for (const bad of ['', 'v1', 'v2.a.b.c', `${sealed}.x`]) {
      expect(openSecret(bad, userId, [newKey])).toBeNull();
    }
  });
});

describe('recovery codes', () => {
  it('are ten distinct 100-bit codes that read back however they are typed', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) {
      expect(code).toMatch(/^[a-km-np-z2-9]{5}(-[a-km-np-z2-9]{5}){3}$/);
      expect(recoveryCodeOf(code.toUpperCase().replace(/-/g, ' '))).toBe(code.replace(/-/g, ''));
    }
    expect(recoveryCodeDigest(recoveryCodeOf(codes[0])!)).toHaveLength(32);
  });

  it.each(['', '123456', 'abcde-abcde-abcde', 'abcde-abcde-abcde-abcd0', 'x'.repeat(100), 7])('refuses %p', (bad) => {
    expect(recoveryCodeOf(bad)).toBeNull();
  });
});
