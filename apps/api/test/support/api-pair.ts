import { freePort, runCli, spawnBuiltApp, waitFor, type SpawnedApp } from '@app/testing';
import request from 'supertest';
import { FormClient } from './form-client.js';

export const PASSWORD = 'a long enough passphrase for these tests';

export interface RunningApi {
  readonly app: SpawnedApp;
  readonly http: ReturnType<typeof request>;
  stop(): Promise<void>;
}

/** One built api process (dist/bundle/api.mjs) on a free loopback port, ready when this resolves. */
export async function startApi(env: Record<string, string | undefined>): Promise<RunningApi> {
  const port = await freePort();
  const app = spawnBuiltApp('api', { ...env, HOST: '127.0.0.1', PORT: String(port) });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (app.child.exitCode !== null) {
        throw new Error(`api exited (${app.child.exitCode}):\n${app.output()}`);
      }
      return (await fetch(`${base}/health/live`).catch(() => null))?.ok === true;
    },
    30000,
    100,
  );
  return {
    app,
    http: request(base),
    stop: async () => {
      if (app.child.exitCode === null) {
        app.child.kill('SIGTERM');
        await app.exited;
      }
    },
  };
}

/** A confirmed account made with the built CLI (`users:add`), its id read back through the admin list. */
export async function addUser(env: Record<string, string | undefined>, email: string, roles: string[]): Promise<void> {
  const result = await runCli(['users:add', email, ...roles.flatMap((r) => ['--role', r])], env, `${PASSWORD}\n`);
  if (result.code !== 0) {
    throw new Error(`users:add ${email} failed (${result.code}): ${result.stderr}${result.stdout}`);
  }
}

export async function signIn(api: RunningApi, email: string): Promise<FormClient> {
  const browser = new FormClient(api.http);
  await browser.get('/login');
  const res = await browser.post('/login', { email, password: PASSWORD });
  if (res.status !== 303) {
    throw new Error(`sign-in of ${email} answered ${res.status}`);
  }
  return browser;
}

/** The same browser (cookie jar) talking to another api process, as a load balancer would send it. */
export function sameBrowserOn(api: RunningApi, browser: FormClient): FormClient {
  const moved = new FormClient(api.http);
  moved.cookie = browser.cookie;
  moved.csrf = browser.csrf;
  return moved;
}
