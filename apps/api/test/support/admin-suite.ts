import { PasswordHasher, UsersRepository } from '@app/auth';
import { createTestDatabase, testEnv, testRedisUrl, type TestDatabase } from '@app/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import pg from 'pg';
import request from 'supertest';
import { startApi } from './api-harness.js';
import { FormClient } from './form-client.js';

export const PASSWORD = 'admin panel passphrase';

export interface AdminSuite {
  /** The running api, its HTTP client and a SQL client of its database (set in `beforeAll`; read them inside tests only). */
  readonly app: NestExpressApplication;
  readonly http: ReturnType<typeof request>;
  readonly sql: pg.Client;
  /** Filled in `beforeAll`: admin@ (admin), bob@ and carol_100%@ (user; a % and a _ to search for). */
  readonly ids: { admin: string; bob: string; carol: string };
  /** A browser signed in with PASSWORD (a 303 from the login form, asserted). */
  signIn(email: string): Promise<FormClient>;
  rolesOf(id: string): Promise<string[]>;
  activeOf(id: string): Promise<boolean>;
}

/**
 * The api with sessions in Redis and its own database (one app, so one passport, per test file),
 * for the `describe` block it is called in: the three users of `ids` plus 27 plain members, so
 * the user list has a second page, all with the password PASSWORD. `env` adds to or overrides the
 * api's environment (e.g. QUEUE_BACKEND=postgres).
 */
export function useAdminPanel(label: string, env: Record<string, string> = {}): AdminSuite {
  let db: TestDatabase | undefined;
  let app: NestExpressApplication | undefined;
  let http: ReturnType<typeof request> | undefined;
  let sql: pg.Client | undefined;
  const ids = { admin: '', bob: '', carol: '' };

  const running = <T>(value: T | undefined): T => {
    if (value === undefined) {
      throw new Error('the admin panel is not running (read it inside a test)');
    }
    return value;
  };

  async function user(email: string, roles: string[], hash: string, firstName = '') {
    const created = await running(app)
      .get(UsersRepository)
      .create({ email, firstName, lastName: '', passwordHash: hash, roles, emailConfirmedAt: new Date() });
    return created!.id;
  }

  beforeAll(async () => {
    db = await createTestDatabase(label);
    app = await startApi({ env: testEnv({ DATABASE_URL: db.url, REDIS_URL: testRedisUrl(), SESSION_STORE: 'redis', ...env }) });
    http = request(app.getHttpServer());
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    const hash = await app.get(PasswordHasher).hash(PASSWORD);
    ids.admin = await user('admin@example.org', ['admin'], hash, 'Ada');
    ids.bob = await user('bob@example.org', ['user'], hash, 'Bob');
    ids.carol = await user('carol_100%@example.org', ['user'], hash, 'Carol');
    for (let i = 0; i < 27; i++) {
      await user(`member${String(i).padStart(2, '0')}@example.org`, ['user'], hash);
    }
  }, 60_000);

  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await db?.drop();
  });

  return {
    get app() {
      return running(app);
    },
    get http() {
      return running(http);
    },
    get sql() {
      return running(sql);
    },
    ids,
    async signIn(email) {
      const browser = new FormClient(running(http));
      await browser.get('/login');
      const res = await browser.post('/login', { email, password: PASSWORD });
      expect(res.status).toBe(303);
      return browser;
    },
    rolesOf: async (id) =>
      (
        await running(sql).query<{ name: string }>(
          `SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1 ORDER BY r.name`,
          [id],
        )
      ).rows.map((r) => r.name),
    activeOf: async (id) => (await running(sql).query<{ active: boolean }>(`SELECT active FROM users WHERE id = $1`, [id])).rows[0].active,
  };
}
