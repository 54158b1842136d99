import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigSourceError } from './config-source.error.js';
import { describeDatabaseUrl, prepareEnvironment } from './prepare-environment.js';
import { processEnv } from './process-env.js';

describe('describeDatabaseUrl (the boot log line for a DATABASE_URL)', () => {
  it.each([
    ['postgres://app:s3cr%40t@db.internal:5432/app', 'postgres://app@db.internal:5432/app'],
    ['postgresql://app@db:5432/app?password=s3cret&sslmode=require', 'postgresql://app@db:5432/app'],
    ['postgres://db/app', 'postgres://db/app'],
    [undefined, 'DATABASE_URL is unset'],
    ['not a url', 'DATABASE_URL is not a valid URL'],
  ])('%s → %s', (url, shown) => {
    expect(describeDatabaseUrl(url)).toBe(shown);
    expect(describeDatabaseUrl(url)).not.toMatch(/s3c/);
  });
});

describe('prepareEnvironment (the layers applied to this process)', () => {
  let dir: string;
  let before: Record<string, string | undefined>;
  const env = processEnv() as Record<string, string | undefined>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'prepare-env-'));
    before = { ...env };
    // A DATABASE_URL from .env: no embedded PostgreSQL is started (nothing connects to it here).
    writeFileSync(join(dir, '.env'), 'DATABASE_URL=postgres://app@127.0.0.1:1/layers\nHOST=10.9.8.7\n');
    for (const name of ['SESSION_SECRET', 'SESSION_SECRET_FILE', 'HOST', 'DATABASE_URL', 'APP_SETTINGS', 'AWS_SECRETS_MANAGER_SECRET_ID']) {
      delete env[name];
    }
  });
  afterEach(() => {
    for (const name of Object.keys(env).filter((n) => !(n in before))) {
      delete env[name];
    }
    Object.assign(env, before);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes every layer into the environment, and a second call does not take those values for the operator’s', async () => {
    writeFileSync(join(dir, 'secret'), 'secret-from-a-file-0123456789\n');
    env.SESSION_SECRET_FILE = join(dir, 'secret');
    const first = await prepareEnvironment({ envFile: join(dir, '.env') });
    expect([env.SESSION_SECRET, env.HOST, env.DATABASE_URL]).toEqual(['secret-from-a-file-0123456789', '10.9.8.7', 'postgres://app@127.0.0.1:1/layers']);
    expect(first.layerLines).toContain('config from secret files (<NAME>_FILE): SESSION_SECRET');
    const second = await prepareEnvironment({ envFile: join(dir, '.env') });
    expect(second.layerLines).toEqual(first.layerLines);
  });

  it('applies nothing when a source fails', async () => {
    env.APP_SETTINGS = join(dir, 'missing.json');
    const untouched = { ...env };
    await expect(prepareEnvironment({ envFile: join(dir, '.env') })).rejects.toThrow(ConfigSourceError);
    expect({ ...env }).toEqual(untouched);
  });

  it('leaves the environment alone with exportEnvironment: false, and returns what to validate', async () => {
    const untouched = { ...env };
    const prepared = await prepareEnvironment({ envFile: join(dir, '.env'), exportEnvironment: false });
    expect({ ...env }).toEqual(untouched);
    expect(prepared.env.HOST).toBe('10.9.8.7');
  });
});
