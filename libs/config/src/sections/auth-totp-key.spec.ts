import { toAppConfig } from '../app-config.js';
import { validateEnv } from '../validate-env.js';
import { totpKeysOf } from './auth.js';
import { LOCAL_ENV, PRODUCTION_ENV, problemsOf } from '../../test/env-fixtures.js';

const HEX = '5f0e3c9a1b7d24e68f0a3c5e7b9d1f2a4c6e8a0b2d4f6a8c0e2a4c6e8f0a1b3c';
const B64 = 'q0N1oG8y3f1Yv9bq1m3Jw5ZxK2pT7rL4sE6dH8cU0aI=';

describe('AUTH_TOTP_ENCRYPTION_KEY', () => {
  it('reads 32-byte keys as hex or base64, newest first', () => {
    expect(totpKeysOf(`${HEX}, ${B64}`)?.map((key) => key.length)).toEqual([32, 32]);
    expect(toAppConfig(validateEnv({ ...LOCAL_ENV, AUTH_TOTP_ENCRYPTION_KEY: HEX })).auth.totpKeys[0].toString('hex')).toBe(HEX);
  });

  it.each([['too short', 'abcd'], ['not hex nor base64', 'z'.repeat(64)], ['one bad entry', `${HEX},nope`]])(
    'refuses %s with one clear message',
    (_label, value) => {
      expect(problemsOf({ ...LOCAL_ENV, AUTH_TOTP_ENCRYPTION_KEY: value })).toEqual([expect.stringMatching(/^AUTH_TOTP_ENCRYPTION_KEY must be 32 random bytes/)]);
    },
  );

  it('has a development default, which production refuses', () => {
    expect(toAppConfig(validateEnv(LOCAL_ENV)).auth.totpKeys).toHaveLength(1);
    const { AUTH_TOTP_ENCRYPTION_KEY: _key, ...production } = PRODUCTION_ENV;
    expect(problemsOf(production)).toEqual(['AUTH_TOTP_ENCRYPTION_KEY is required']);
    const local = toAppConfig(validateEnv(LOCAL_ENV)).auth.totpKeys[0].toString('hex');
    expect(problemsOf({ ...production, AUTH_TOTP_ENCRYPTION_KEY: local })).toEqual([
      expect.stringMatching(/must not be the development key in production/),
    ]);
    expect(problemsOf({ ...production, AUTH_TOTP_ENCRYPTION_KEY: HEX })).toEqual([]);
  });
});
