import { matchTotp, newTotpSecret, stepAt, totpCodeAt, totpCodeOf, totpUri } from './totp.js';

const secret = newTotpSecret();
const now = Date.UTC(2026, 10, 29, 12, 0, 15); // mid-step
const step = stepAt(now);

describe('TOTP codes', () => {
  it('accepts the current step and one either side, nothing further', () => {
    expect(matchTotp(secret, totpCodeAt(secret, now), now, null)).toBe(step);
    expect(matchTotp(secret, totpCodeAt(secret, now - 30_000), now, null)).toBe(step - 1);
    expect(matchTotp(secret, totpCodeAt(secret, now + 30_000), now, null)).toBe(step + 1);
    for (const offset of [-90_000, -60_000, 60_000, 90_000]) {
      // (A far step's code equals a near step's by chance 3 times in 10^6: accepted as noise.)
      expect(matchTotp(secret, totpCodeAt(secret, now + offset), now, null)).toBeNull();
    }
  });

  it('never accepts a step at or before the last accepted one (replay)', () => {
    const code = totpCodeAt(secret, now);
    expect(matchTotp(secret, code, now, step)).toBeNull();
    expect(matchTotp(secret, code, now, step - 1)).toBe(step);
    // A code from the previous step after the current one was used: refused too.
    expect(matchTotp(secret, totpCodeAt(secret, now - 30_000), now, step)).toBeNull();
  });

  it('refuses another secret and wrong codes', () => {
    expect(matchTotp(newTotpSecret(), totpCodeAt(secret, now), now, null)).toBeNull();
  });

  it.each([
    ['123456', '123456'],
    ['123 456', '123456'],
    [' 123456 ', '123456'],
    ['12345', null],
    ['1234567', null],
    ['12345a', null],
    ['١٢٣٤٥٦', null], // other digits than ASCII
    ['1'.repeat(100), null],
    [123456, null],
    [undefined, null],
    [['123456'], null],
  ])('reads %p as %p', (input, expected) => {
    expect(totpCodeOf(input)).toBe(expected);
  });

  it('builds the otpauth URI the apps read', () => {
    const uri = new URL(totpUri(secret, 'Nest Starter', 'ada@example.org'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Nest Starter');
    expect(decodeURIComponent(uri.pathname)).toContain('ada@example.org');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/); // 160 bits of base32
  });
});
