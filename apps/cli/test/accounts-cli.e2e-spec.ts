import { jest } from '@jest/globals';
import { createTestDatabase, testEnv, testRedisUrl, type TestDatabase, runCli } from '@app/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FormClient } from '../../api/test/support/form-client.js';
import { startApi } from '../../api/test/support/api-harness.js';

jest.setTimeout(90000);

/** The account commands of the built CLI, checked through what the api then lets a user do. */
describe('cli: accounts', () => {
  let db: TestDatabase;
  let env: Record<string, string | undefined>;
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    db = await createTestDatabase('cli_accounts');
    env = testEnv({ DATABASE_URL: db.url, REDIS_URL: testRedisUrl(), SESSION_STORE: 'redis' });
    app = await startApi({ env });
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  async function signIn(email: string, password: string) {
    const b = new FormClient(http);
    await b.get('/login');
    const res = await b.post('/login', { email, password });
    return { b, status: res.status };
  }

  it('adds a user with roles from a piped password, which then signs in; the password never reaches the output', async () => {
    const added = await runCli(['users:add', 'ops@example.org', '--role', 'dev', '--first-name', 'Ops'], env, 'a piped-in passphrase\n');
    expect(added.code).toBe(0);
    expect(added.stderr).not.toMatch(/error|failed/i);
    expect(added.stdout).toMatch(/created ops@example\.org \(.+\) with roles dev/);
    expect(added.stdout + added.stderr).not.toContain('piped-in');
    const { b, status } = await signIn('ops@example.org', 'a piped-in passphrase');
    expect(status).toBe(303);
    expect((await b.get('/account/api-keys')).status).toBe(200); // the dev role was granted

    const again = await runCli(['users:add', 'OPS@example.org'], env, 'another passphrase\n');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already has an account/);
  });

  it('resets a password and ends the sessions; revokes sessions; disables an account', async () => {
    await runCli(['users:add', 'eve@example.org'], env, 'first passphrase here\n');
    const first = await signIn('eve@example.org', 'first passphrase here');
    expect((await first.b.get('/account')).status).toBe(200);

    const reset = await runCli(['users:reset-password', 'eve@example.org'], env, 'second passphrase here\n');
    expect(reset.code).toBe(0);
    expect((await first.b.get('/account')).status).toBe(303);
    expect((await signIn('eve@example.org', 'first passphrase here')).status).toBe(401);

    const second = await signIn('eve@example.org', 'second passphrase here');
    const revoked = await runCli(['users:revoke-sessions', 'eve@example.org'], env);
    expect(revoked.stdout).toContain('ended 1 session of eve@example.org');
    expect((await second.b.get('/account')).status).toBe(303);

    const third = await signIn('eve@example.org', 'second passphrase here');
    expect((await runCli(['users:disable', 'eve@example.org'], env)).code).toBe(0);
    expect((await third.b.get('/account')).status).toBe(303);
    expect((await signIn('eve@example.org', 'second passphrase here')).status).toBe(401);

    // Each change is in the audit trail, with no actor (a shell on the server) and `via: cli`.
    const audit: Array<{ action: string; actor_id: string | null; details: Record<string, unknown> }> = await app.get(DataSource).query(
      `SELECT a.action, a.actor_id, a.details FROM audit_events a JOIN users u ON a.target_id = u.id::text
        WHERE u.email = 'eve@example.org' AND a.action IN ('user.created', 'account.password-reset', 'sessions.revoked', 'user.disabled')
        ORDER BY a.occurred_at`,
    );
    expect(audit.map((r) => [r.action, r.actor_id, r.details.via ?? null])).toEqual([
      ['user.created', null, 'cli'],
      ['account.password-reset', null, 'cli'],
      ['sessions.revoked', null, null],
      ['sessions.revoked', null, 'cli'],
      ['user.disabled', null, null],
      ['sessions.revoked', null, null],
    ]);
  });

  it('creates roles, and refuses bad arguments and weak passwords with exit code 2 and one line', async () => {
    const role = await runCli(['roles:add', 'auditor', '-d', 'Reads the audit log'], env);
    expect(role.stdout).toContain('created role auditor');
    expect((await runCli(['roles:add', 'auditor'], env)).stdout).toContain('already exists');

    for (const [args, input, message] of [
      [['users:add', 'not-an-email'], 'whatever passphrase\n', /is not an email address/],
      [['users:add', 'x@example.org', '--role', 'Bad Role'], 'whatever passphrase\n', /is not a role name/],
      [['users:add', 'y@example.org', '--role', 'nonexistent'], 'whatever passphrase\n', /roles do not exist: nonexistent/],
      [['users:add', 'z@example.org'], 'password\n', /password refused: .*commonly used/],
      [['users:reset-password', 'ghost@example.org'], 'whatever passphrase\n', /no account for ghost@example\.org/],
      [['users:revoke-sessions'], undefined, /missing required argument/],
    ] as const) {
      const result = await runCli([...args], env, input);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/^\s+at /m);
    }
  });
});
