import { isAbsolute } from 'node:path';
import { toAppConfig } from '../app-config.js';
import { validateEnv } from '../validate-env.js';
import { LOCAL_ENV, PRODUCTION_ENV, problemsOf } from '../../test/env-fixtures.js';

describe('cache config section', () => {
  it('follows the sessions: redis when REDIS_URL is set, files otherwise', () => {
    expect(toAppConfig(validateEnv(LOCAL_ENV)).cache).toMatchObject({ store: 'file', fileMaxBytes: 64 * 1024 * 1024, userTtlMs: 300_000 });
    expect(isAbsolute(toAppConfig(validateEnv(LOCAL_ENV)).cache.dir)).toBe(true);
    expect(toAppConfig(validateEnv({ ...LOCAL_ENV, REDIS_URL: 'redis://127.0.0.1:6379/0' })).cache.store).toBe('redis');
    expect(toAppConfig(validateEnv({ ...LOCAL_ENV, REDIS_URL: 'redis://127.0.0.1:6379/0', CACHE_STORE: 'none' })).cache.store).toBe('none');
  });

  it('refuses CACHE_STORE=redis without REDIS_URL, memory in production, and bad numbers, each by name', () => {
    expect(problemsOf({ ...LOCAL_ENV, CACHE_STORE: 'redis' })).toEqual(['CACHE_STORE=redis needs REDIS_URL']);
    expect(problemsOf({ ...PRODUCTION_ENV, CACHE_STORE: 'memory' }).join('\n')).toMatch(/CACHE_STORE=memory is for unit tests only/);
    expect(problemsOf({ ...LOCAL_ENV, CACHE_STORE: 'memory' })).toEqual([]);
    const bad = problemsOf({ ...LOCAL_ENV, CACHE_STORE: 'disk', CACHE_FILE_MAX_MB: '0', CACHE_USER_TTL_SECONDS: 'soon' }).join('\n');
    for (const name of ['CACHE_STORE', 'CACHE_FILE_MAX_MB', 'CACHE_USER_TTL_SECONDS']) {
      expect(bad).toMatch(new RegExp(`${name} `));
    }
  });
});
