import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/*
 * Jest globalSetup: real PostgreSQL and Redis for the integration and e2e tests on a machine
 * where neither is installed.
 *
 * - TEST_DATABASE_URL unset: an embedded PostgreSQL cluster in <project>/.data/test-postgres,
 *   and TEST_DATABASE_URL points at its maintenance database (`postgres`), where each test
 *   file creates its own database (createTestDatabase). The cluster is left running after
 *   the run, so the next run attaches in milliseconds instead of starting it again; set
 *   TEST_EMBEDDED_PG_STOP=1 to have globalTeardown stop it (`npm run db:stop` does not touch it:
 *   that is the development cluster).
 * - TEST_REDIS_URL unset: a private redis-server on a free port, without persistence, stopped
 *   by globalTeardown.
 *
 * Environment set here reaches the test workers: jest starts them after globalSetup, and
 * they inherit process.env.
 *
 * Jest loads this file (and globalTeardown) through require(), outside its module system: no
 * `@app/*` mapping and no ESM. So the embedded-postgres lib is compiled here with swc (a few
 * milliseconds) and loaded with a real dynamic import().
 */

interface EmbeddedPostgresLib {
  ensureEmbeddedPostgres(options: {
    dataDir: string;
    database?: string;
    log?: (line: string) => void;
  }): Promise<{ url: string; startedHere: boolean; port: number }>;
  stopEmbeddedPostgres(dataDir: string): Promise<boolean>;
}

interface JestProjectConfig {
  rootDir: string;
}

/** What globalTeardown needs (globalSetup and globalTeardown share the global object). */
export interface TestServices {
  redis?: ChildProcess;
  postgres?: { lib: EmbeddedPostgresLib; dataDir: string };
}

const servicesKey = Symbol.for('app.testing.services');

export function testServices(): TestServices {
  const holder = globalThis as unknown as Record<symbol, TestServices | undefined>;
  holder[servicesKey] ??= {};
  return holder[servicesKey];
}

/** swc would turn a literal `import()` into require() here; this one stays a native import. */
const nativeImport = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

export async function loadEmbeddedPostgres(rootDir: string): Promise<EmbeddedPostgresLib> {
  const { transformFileSync } = (await import('@swc/core')) as typeof import('@swc/core');
  const src = join(rootDir, 'libs/embedded-postgres/src');
  // Under node_modules so `pg` and the binaries resolve. Parallel runs write the same bytes,
  // each through its own temporary name and an atomic rename.
  const out = join(rootDir, 'node_modules/.cache/embedded-postgres-jest');
  await mkdir(out, { recursive: true });
  const write = async (target: string, text: string) => {
    await writeFile(`${target}.${process.pid}.tmp`, text);
    await rename(`${target}.${process.pid}.tmp`, target);
  };
  await write(join(out, 'package.json'), '{ "type": "module" }\n');
  for (const file of await readdir(src)) {
    if (!file.endsWith('.ts') || file.endsWith('.spec.ts')) {
      continue;
    }
    const { code } = transformFileSync(join(src, file), {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
      swcrc: false,
    });
    await write(join(out, file.replace(/\.ts$/, '.js')), code);
  }
  return (await nativeImport(pathToFileURL(join(out, 'index.js')).href)) as EmbeddedPostgresLib;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

async function startRedis(): Promise<string> {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).error) {
    throw new Error('Tests need Redis: install redis-server (apt-get install redis-server / brew install redis) or set TEST_REDIS_URL.');
  }
  const port = await freePort();
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    { stdio: 'ignore' },
  );
  let exited = false;
  redis.once('exit', () => (exited = true));
  const deadline = Date.now() + 10_000;
  while (!(await answersPing(port))) {
    if (exited || Date.now() > deadline) {
      redis.kill('SIGKILL');
      throw new Error(`redis-server did not start on 127.0.0.1:${port}; set TEST_REDIS_URL to a Redis you run yourself.`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  // Never keeps jest alive on its own; globalTeardown stops it.
  redis.unref();
  testServices().redis = redis;
  return `redis://127.0.0.1:${port}/0`;
}

export default async function globalSetup(_globalConfig: unknown, projectConfig: JestProjectConfig): Promise<void> {
  // Jest loads this file without the @app/* mapping, so libs/config's processEnv() is out of
  // reach; and the point is to write the variables the test workers inherit.
  const env = process.env;
  const [postgresUrl, redisUrl] = await Promise.all([
    env.TEST_DATABASE_URL
      ? undefined
      : (async () => {
          const dataDir = join(projectConfig.rootDir, '.data/test-postgres');
          const lib = await loadEmbeddedPostgres(projectConfig.rootDir);
          testServices().postgres = { lib, dataDir };
          return (await lib.ensureEmbeddedPostgres({ dataDir, database: 'postgres' })).url;
        })(),
    env.TEST_REDIS_URL ? undefined : startRedis(),
  ]);
  if (postgresUrl) {
    env.TEST_DATABASE_URL = postgresUrl;
  }
  if (redisUrl) {
    env.TEST_REDIS_URL = redisUrl;
  }
}
