import { processEnv, projectRoot } from '@app/config';
import { freePort } from '@app/testing';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/*
 * What a new user does: a copy of the project with nothing configured (no DATABASE_URL, no
 * REDIS_URL, no .env), `npm start`, open the printed URL, sign in with the printed password.
 * The copy holds the project's files as git sees them (tracked and not ignored: no dist/, no .data/,
 * no .env) with node_modules linked, so `npm start` runs with --skip-install; it builds the copy
 * itself (the second start finds the build up to date). Everything else is the real supervisor, api, worker
 * and embedded PostgreSQL.
 */

const ADMIN = 'admin@example.com';
const STEP_MS = 90_000;

interface Run {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | string>;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

function startSupervisor(dir: string, port: number, options: string[]): Run {
  // Exactly what a fresh shell has: no DATABASE_URL, REDIS_URL or TEST_* from the test run.
  const child = spawn(process.execPath, ['scripts/start.mjs', ...options], {
    cwd: dir,
    env: { PATH: processEnv().PATH, HOME: processEnv().HOME, PORT: String(port), LOG_PRETTY: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    exited,
    output: () => out,
    async waitFor(pattern, timeoutMs = STEP_MS) {
      const deadline = Date.now() + timeoutMs;
      let done = false;
      void exited.then(() => (done = true));
      for (;;) {
        const match = pattern.exec(out);
        if (match) {
          return match;
        }
        if (done || Date.now() > deadline) {
          throw new Error(`${done ? 'exited' : 'timed out'} before ${pattern}; output:\n${out.slice(-6000)}`);
        }
        await sleep(100);
      }
    },
  };
}

/** Every process whose command line mentions the copy (api, worker, postgres -D <copy>/...). */
async function processesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) {
      continue;
    }
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
    if (cmdline.includes(dir) || cwd === dir) {
      found.push(`${pid}: ${cmdline.replace(/\0/g, ' ')}`);
    }
  }
  return found;
}

/** A browser's cookie jar and form posts, with the Origin header a browser on `origin` sends. */
class Browser {
  private cookie = '';

  constructor(private readonly origin: string) {}

  async get(path: string): Promise<{ status: number; text: string }> {
    const res = await fetch(this.origin + path, { headers: this.headers(), redirect: 'manual' });
    this.keep(res);
    return { status: res.status, text: await res.text() };
  }

  async post(path: string, fields: Record<string, string>, csrf: string): Promise<{ status: number; location: string | null; text: string }> {
    const res = await fetch(this.origin + path, {
      method: 'POST',
      headers: { ...this.headers(), 'Content-Type': 'application/x-www-form-urlencoded', Origin: this.origin, 'Sec-Fetch-Site': 'same-origin' },
      body: new URLSearchParams({ ...fields, _csrf: csrf }).toString(),
      redirect: 'manual',
    });
    this.keep(res);
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }

  private headers(): Record<string, string> {
    return { Accept: 'text/html', ...(this.cookie ? { Cookie: this.cookie } : {}) };
  }

  private keep(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0];
      if (/^sid=./.test(pair)) {
        this.cookie = pair;
      }
    }
  }
}

function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) {
    throw new Error(`no CSRF token in:\n${html.slice(0, 500)}`);
  }
  return match[1];
}

async function signIn(origin: string, password: string): Promise<Browser> {
  const browser = new Browser(origin);
  const form = await browser.get('/login');
  expect(form.status).toBe(200);
  const res = await browser.post('/login', { email: ADMIN, password }, csrfOf(form.text));
  expect(res.status).toBe(303); // a failed sign-in answers 401 with the form again
  expect(res.location).not.toMatch(/login/);
  expect((await browser.get('/account')).status).toBe(200);
  return browser;
}

async function embeddedClient(dir: string): Promise<pg.Client> {
  const dataDir = join(dir, '.data/postgres');
  const password = (await readFile(join(dataDir, 'password'), 'utf8')).trim();
  const port = Number((await readFile(join(dataDir, 'port'), 'utf8')).trim());
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'starter' });
  await client.connect();
  return client;
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error('condition not met in time');
    }
    await sleep(200);
  }
}

async function stopWithCtrlC(run: Run, dir: string): Promise<void> {
  run.child.kill('SIGINT');
  expect(await run.exited).toBe(0);
  // Every process the supervisor started is gone: api, worker and the postgres it started.
  expect(await eventually(async () => ((await processesIn(dir)).length === 0 ? [] : undefined), 10_000).catch(async () => processesIn(dir))).toEqual([]);
}

describe('first run of a fresh copy with nothing but Node (npm start, embedded PostgreSQL)', () => {
  let dir: string;
  const runs: Run[] = [];

  beforeAll(async () => {
    const root = projectRoot();
    // 0755: as root, PostgreSQL runs as the "postgres" user, which must reach the data directory.
    dir = await mkdtemp(join(tmpdir(), 'starter-first-run-'));
    await chmod(dir, 0o755);
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
    for (const file of files) {
      // Skips what is deleted in the working tree but not yet committed.
      if (existsSync(join(root, file))) {
        await mkdir(dirname(join(dir, file)), { recursive: true });
        await cp(join(root, file), join(dir, file), { recursive: true, verbatimSymlinks: true });
      }
    }
    await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
  }, 60_000);

  afterAll(async () => {
    // After a failed assertion: Ctrl-C first (the supervisor stops what it started), then
    // whatever still runs from the copy, and never anything else.
    for (const run of runs) {
      if (run.child.exitCode === null && run.child.signalCode === null) {
        run.child.kill('SIGINT');
        await Promise.race([run.exited, sleep(20_000)]);
      }
    }
    for (const line of await processesIn(dir)) {
      const pid = Number(line.split(':')[0]);
      if (!line.includes('.data/postgres')) {
        process.kill(pid, 'SIGKILL');
      }
    }
    const lib = await import('@app/embedded-postgres');
    await lib.stopEmbeddedPostgres(join(dir, '.data/postgres')).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it(
    'starts, signs in, sends mail through the worker, stops everything on Ctrl-C, and starts again on the same data',
    async () => {
      const port = await freePort();
      const first = startSupervisor(dir, port, ['--skip-install']);
      runs.push(first);
      await first.waitFor(/listening on .*; open http:\/\/localhost:(\d+)\//, 3 * STEP_MS);
      await first.waitFor(/worker ready/);
      const out = first.output();
      expect(out).toContain(`open http://localhost:${port}/`);
      // Both apps attached to the cluster in the copy, and say so.
      expect(out.match(/database: embedded PostgreSQL at \.data\/postgres \(port \d+\)/g)?.length).toBeGreaterThanOrEqual(3);
      const password = /created the admin account admin@example\.com with the password (\S+)/.exec(out)?.[1];
      expect(password).toBeDefined();
      expect(existsSync(join(dir, '.data/postgres/cluster/PG_VERSION'))).toBe(true);

      expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);

      const db = await embeddedClient(dir);
      try {
        // The data is in this copy's cluster, not in a PostgreSQL of the machine.
        const { rows } = await db.query<{ dir: string; admins: string }>(
          "select current_setting('data_directory') as dir, (select count(*) from users where email = $1)::text as admins",
          [ADMIN],
        );
        expect(rows[0]).toEqual({ dir: join(dir, '.data/postgres/cluster'), admins: '1' });

        // Opened at 127.0.0.1 while APP_BASE_URL is http://localhost:<port>: development accepts both.
        await signIn(`http://127.0.0.1:${port}`, password!);

        // A mail job, queued by the api on the embedded database, sent (to the outbox) by the worker.
        const anonymous = new Browser(`http://localhost:${port}`);
        const form = await anonymous.get('/forgot-password');
        expect((await anonymous.post('/forgot-password', { email: ADMIN }, csrfOf(form.text))).status).toBe(200);
        const sent = await eventually(async () => {
          const result = await db.query<{ status: string }>(
            "select status from mail_outbox where recipient = $1 and template = 'reset-password' and status = 'sent'",
            [ADMIN],
          );
          return result.rows[0];
        });
        expect(sent.status).toBe('sent');
      } finally {
        await db.end();
      }

      await stopWithCtrlC(first, dir);

      // Second start: the same cluster and the same admin; no new password.
      const second = startSupervisor(dir, port, ['--skip-install']);
      runs.push(second);
      await second.waitFor(/listening on .*; open /);
      expect(second.output()).toContain('> build is up to date');
      expect(second.output()).not.toMatch(/created the admin account/);
      expect(second.output()).not.toMatch(/initialising embedded PostgreSQL/);
      expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
      await signIn(`http://localhost:${port}`, password!);
      await stopWithCtrlC(second, dir);
    },
    6 * STEP_MS,
  );
});
