import { signSessionId } from '@app/session-http';
import { createTestDatabase, FakeSecretsManager, freePort, spawnBuiltApp, testEnv, type SpawnedApp, type TestDatabase } from '@app/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { FormClient } from './support/form-client.js';

/*
 * The built api (what production runs) configured the way a container is: a settings file named
 * by APP_SETTINGS and the session secret in a mounted file, nothing else in its environment. And
 * the refusals: a configuration that is ambiguous, or a secrets source that fails, stops it with
 * one line before anything starts.
 */
describe('api configuration in layers', () => {
  let db: TestDatabase;
  let dir: string;
  let fake: FakeSecretsManager;
  const running: SpawnedApp[] = [];
  const ADMIN = { email: 'root@layers.test', password: 'root-password-for-layers' };
  const SECRET = 'session-secret-from-a-mounted-file-0123456789';

  beforeAll(async () => {
    db = await createTestDatabase('config_layers');
    fake = await FakeSecretsManager.start();
    dir = mkdtempSync(join(tmpdir(), 'config-layers-e2e-'));
  });

  afterAll(async () => {
    for (const app of running) {
      app.child.kill('SIGKILL');
    }
    await fake?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(env: Record<string, string | undefined>): SpawnedApp {
    // Started in the temporary directory: a developer's .env in the project must not add a layer.
    const app = spawnBuiltApp('api', env, { cwd: dir });
    running.push(app);
    return app;
  }

  /** Exits non-zero having printed exactly one line that says why. */
  async function refusedWith(app: SpawnedApp): Promise<string> {
    expect(await app.exited).toBe(1);
    const lines = app.output().split('\n').filter((line) => line.includes('cannot start'));
    expect(lines).toHaveLength(1);
    expect(app.output()).not.toMatch(/at .*\.m?js:\d+/); // a user's problem, not a crash
    return lines[0];
  }

  it('starts with only APP_SETTINGS and SESSION_SECRET_FILE: PORT from the file, and a user signs in', async () => {
    const port = await freePort();
    const { SESSION_SECRET: _unused, ...rest } = testEnv({
      DATABASE_URL: db.url,
      PORT: String(port),
      LOG_LEVEL: 'info',
      SEED_ADMIN_EMAIL: ADMIN.email,
      SEED_ADMIN_PASSWORD: ADMIN.password,
    });
    const settings = join(dir, 'settings.json');
    writeFileSync(settings, JSON.stringify(rest, null, 2));
    const secretFile = join(dir, 'session_secret');
    writeFileSync(secretFile, `${SECRET}\n`);

    const app = start({ APP_SETTINGS: settings, SESSION_SECRET_FILE: secretFile });
    await app.waitForOutput(/listening on/, 30_000);
    const out = app.output();
    expect(out).toContain(`listening on 127.0.0.1:${port}`);
    expect(out).toMatch(/config from the process environment: APP_SETTINGS\b/);
    expect(out).toMatch(/config from secret files \(<NAME>_FILE\): SESSION_SECRET\b/);
    expect(out).toMatch(new RegExp(`config from .*settings\\.json \\(APP_SETTINGS\\): .*\\bPORT\\b`));
    for (const value of [SECRET, ADMIN.password]) {
      expect(out).not.toContain(value);
    }

    const client = new FormClient(request(`http://127.0.0.1:${port}`));
    expect((await client.get('/login')).status).toBe(200);
    const signedIn = await client.post('/login', ADMIN);
    expect(signedIn.status).toBe(303);
    expect((await client.get('/account')).status).toBe(200);
    // The session cookie is signed with the file's secret, its trailing newline trimmed.
    const [, value] = /^sid=(.+)$/.exec(client.cookie!)!;
    const id = decodeURIComponent(value).split('.')[0];
    expect(decodeURIComponent(value)).toBe(signSessionId(id, SECRET));

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  });

  it('refuses SESSION_SECRET and SESSION_SECRET_FILE both set', async () => {
    const secretFile = join(dir, 'other_secret');
    writeFileSync(secretFile, SECRET);
    const app = start({ ...testEnv({ DATABASE_URL: db.url }), SESSION_SECRET_FILE: secretFile });
    expect(await refusedWith(app)).toBe(
      'api cannot start. SESSION_SECRET and SESSION_SECRET_FILE are both set (SESSION_SECRET in the process environment, SESSION_SECRET_FILE in the process environment); set only one',
    );
  });

  const aws = (endpoint: string, secretId: string): Record<string, string | undefined> => ({
    ...testEnv({ DATABASE_URL: db.url }),
    AWS_SECRETS_MANAGER_SECRET_ID: secretId,
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    AWS_SECRETS_MANAGER_TIMEOUT_MS: '2000',
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key',
  });

  it('refuses when the secrets source denies access', async () => {
    fake.answer('prod/api', { error: 'AccessDeniedException', message: 'User is not authorized to perform: secretsmanager:GetSecretValue' });
    const line = await refusedWith(start(aws(fake.url, 'prod/api')));
    expect(line).toBe(
      'api cannot start. AWS Secrets Manager secret "prod/api" could not be fetched: AccessDeniedException (HTTP 400): User is not authorized to perform: secretsmanager:GetSecretValue',
    );
  });

  it('refuses when the secrets source cannot be reached', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const line = await refusedWith(start(aws(closed, 'prod/api')));
    expect(line).toMatch(new RegExp(`^api cannot start\\. AWS Secrets Manager secret "prod/api" could not be fetched: cannot reach the service ${closed} \\(ECONNREFUSED`));
  });

  it('reads its secrets from the secrets source when it answers', async () => {
    const port = await freePort();
    fake.answer('prod/ok', { secretString: JSON.stringify({ SESSION_SECRET: SECRET, PORT: String(port) }) });
    const env: Record<string, string | undefined> = { ...aws(fake.url, 'prod/ok'), LOG_LEVEL: 'info' };
    delete env.SESSION_SECRET;
    const app = start(env);
    await app.waitForOutput(/listening on/, 30_000);
    expect(app.output()).toContain(`listening on 127.0.0.1:${port}`);
    expect(app.output()).toMatch(/config from AWS Secrets Manager \(prod\/ok\): PORT, SESSION_SECRET\b/);
    expect(app.output()).not.toContain(SECRET);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  });
});
