import { ConfigValidationError, validateEnv } from '@app/config';
import { bearerMatches } from './scrape.js';

describe('bearerMatches', () => {
  const token = 'a'.repeat(40);

  it('accepts exactly `Bearer <token>` (scheme in any case)', () => {
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`bearer ${token}`, token)).toBe(true);
  });

  it.each([undefined, '', token, `Basic ${token}`, `Bearer ${token}x`, `Bearer ${token.slice(1)}`, `Bearer ${token} extra`])(
    'refuses %p',
    (header) => {
      expect(bearerMatches(header, token)).toBe(false);
    },
  );
});

describe('metrics config', () => {
  const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/starter' };
  const problems = (env: Record<string, string>) => {
    try {
      validateEnv({ ...base, ...env });
      return [];
    } catch (error) {
      return error instanceof ConfigValidationError ? error.problems : [String(error)];
    }
  };

  it('is off by default', () => {
    expect(validateEnv(base).METRICS_PORT).toBeUndefined();
    expect(validateEnv(base).METRICS_TOKEN).toBeUndefined();
  });

  it('refuses a short token and a port taken by the site or the worker readiness', () => {
    expect(problems({ METRICS_TOKEN: 'short' })).toEqual([expect.stringMatching(/^METRICS_TOKEN must be 32 to 256 characters/)]);
    expect(problems({ PORT: '4000', METRICS_PORT: '4000' })).toEqual(['METRICS_PORT must differ from PORT and WORKER_HEALTH_PORT']);
    expect(problems({ WORKER_HEALTH_PORT: '4001', METRICS_PORT: '4001' })).toEqual(['METRICS_PORT must differ from PORT and WORKER_HEALTH_PORT']);
    expect(problems({ METRICS_PORT: '9464', METRICS_TOKEN: 'b'.repeat(48) })).toEqual([]);
  });
});
