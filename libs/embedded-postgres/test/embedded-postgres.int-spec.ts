import { embeddedPostgresStatus, ensureEmbeddedPostgres, resetEmbeddedPostgres, stopEmbeddedPostgres } from '@app/embedded-postgres';
import { transformFileSync } from '@swc/core';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

// Real initdb, real postmasters, real processes: every test has its own data directory.
const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, '../../..');
let scratch: string;
let childScript: string;
const dataDirs: string[] = [];

async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(join(scratch, 'data-'));
  dataDirs.push(dir);
  return dir;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

interface ChildResult {
  url: string;
  startedHere: boolean;
  port: number;
}

/**
 * Runs ensureEmbeddedPostgres in a separate Node process. Node 20 cannot import our .ts, so
 * beforeAll compiles the lib with swc into the scratch dir (node_modules linked for `pg`).
 * `hold` keeps the child alive after it answered, so a test can kill it.
 */
function ensureInChild(dataDir: string, mode: 'exit' | 'hold' = 'exit') {
  const child = spawn(process.execPath, [childScript, dataDir, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const result = new Promise<ChildResult>((resolvePromise, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) {
        resolvePromise(JSON.parse(out.split('\n')[0]) as ChildResult);
      }
    });
    child.on('exit', (code) => reject(new Error(`child exited ${code}: ${err}`)));
  });
  const exited = new Promise<void>((resolvePromise) => child.on('exit', () => resolvePromise()));
  return { child, result, exited };
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'embedded-pg-spec-'));
  // As root the server runs as the postgres user, which must be able to enter the data dirs.
  await chmod(scratch, 0o711);
  const lib = join(scratch, 'lib');
  await mkdir(lib);
  const src = join(projectRoot, 'libs/embedded-postgres/src');
  for (const file of await readdir(src)) {
    const { code } = transformFileSync(join(src, file), {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
    });
    await writeFile(join(lib, file.replace(/\.ts$/, '.js')), code);
  }
  await writeFile(join(scratch, 'package.json'), '{ "type": "module" }\n');
  await symlink(join(projectRoot, 'node_modules'), join(scratch, 'node_modules'));
  childScript = join(scratch, 'child.mjs');
  await writeFile(
    childScript,
    [
      "import { ensureEmbeddedPostgres } from './lib/index.js';",
      'const [dataDir, mode] = process.argv.slice(2);',
      'const result = await ensureEmbeddedPostgres({ dataDir });',
      'process.stdout.write(JSON.stringify(result) + "\\n");',
      "if (mode === 'hold') { setInterval(() => undefined, 1000); }",
    ].join('\n'),
  );
});

afterAll(async () => {
  await Promise.all(dataDirs.map((dir) => stopEmbeddedPostgres(dir).catch(() => false)));
  await rm(scratch, { recursive: true, force: true });
});

it('initialises a cluster, creates the database and answers select 1; password file 0600, port remembered', async () => {
  const dataDir = await newDataDir();
  const first = await ensureEmbeddedPostgres({ dataDir });
  expect(first.startedHere).toBe(true);
  expect(first.url).toMatch(/^postgres:\/\/postgres:[A-Za-z0-9_-]{32,}@127\.0\.0\.1:\d+\/starter$/);
  expect(await query(first.url, 'select 1 as one')).toEqual([{ one: 1 }]);

  const password = await readFile(join(dataDir, 'password'), 'utf8');
  expect(first.url).toContain(`:${password.trim()}@`);
  expect((await stat(join(dataDir, 'password'))).mode & 0o777).toBe(0o600);
  expect(Number(await readFile(join(dataDir, 'port'), 'utf8'))).toBe(first.port);
  await expect(embeddedPostgresStatus(dataDir)).resolves.toMatchObject({
    initialised: true,
    running: true,
    port: first.port,
  });

  // Same process again: attaches, fast.
  const started = performance.now();
  const again = await ensureEmbeddedPostgres({ dataDir });
  expect(performance.now() - started).toBeLessThan(500);
  expect(again).toEqual({ ...first, startedHere: false });

  // Stopped and started again: same port, same password.
  expect(await stopEmbeddedPostgres(dataDir)).toBe(true);
  expect(await stopEmbeddedPostgres(dataDir)).toBe(false);
  await expect(embeddedPostgresStatus(dataDir)).resolves.toMatchObject({ running: false, port: first.port });
  const restarted = await ensureEmbeddedPostgres({ dataDir });
  expect(restarted).toEqual(first);
});

it('lets another process attach to the running server with the same URL', async () => {
  const dataDir = await newDataDir();
  const mine = await ensureEmbeddedPostgres({ dataDir, database: 'other_db' });
  const { result } = ensureInChild(dataDir);
  const theirs = await result;
  expect(theirs.startedHere).toBe(false);
  expect(theirs.port).toBe(mine.port);
  expect(theirs.url).toBe(mine.url.replace(/other_db$/, 'starter'));
  expect(await query(theirs.url, 'select current_database() as db')).toEqual([{ db: 'starter' }]);
});

it('two processes racing on a fresh directory both succeed with one cluster', async () => {
  const dataDir = await newDataDir();
  const [a, b] = await Promise.all([ensureInChild(dataDir).result, ensureInChild(dataDir).result]);
  expect(a.url).toBe(b.url);
  expect([a.startedHere, b.startedHere].sort()).toEqual([false, true]);
  const status = await embeddedPostgresStatus(dataDir);
  expect(status).toMatchObject({ running: true, port: a.port });
  expect(await query(a.url, 'select 1 as one')).toEqual([{ one: 1 }]);
});

it('keeps the server running after the process that started it is killed', async () => {
  const dataDir = await newDataDir();
  const { child, result, exited } = ensureInChild(dataDir, 'hold');
  const started = await result;
  expect(started.startedHere).toBe(true);
  child.kill('SIGKILL');
  await exited;
  expect(await query(started.url, 'select 1 as one')).toEqual([{ one: 1 }]);
  await expect(ensureEmbeddedPostgres({ dataDir })).resolves.toEqual({ ...started, startedHere: false });
});

it('recovers after kill -9 of the postmaster and after a postmaster.pid naming a live unrelated process', async () => {
  const dataDir = await newDataDir();
  const first = await ensureEmbeddedPostgres({ dataDir });
  await query(first.url, 'create table kept (id int); insert into kept values (42)');

  const { pid } = await embeddedPostgresStatus(dataDir);
  process.kill(pid!, 'SIGKILL');
  const afterCrash = await ensureEmbeddedPostgres({ dataDir });
  expect(afterCrash).toEqual(first);
  expect(await query(afterCrash.url, 'select id from kept')).toEqual([{ id: 42 }]);

  // After a reboot the recorded pid may belong to anything; here: this jest process.
  await stopEmbeddedPostgres(dataDir);
  const pidFile = join(dataDir, 'cluster', 'postmaster.pid');
  await writeFile(pidFile, `${process.pid}\n${join(dataDir, 'cluster')}\n0\n${first.port}\n`);
  const afterStalePid = await ensureEmbeddedPostgres({ dataDir });
  expect(afterStalePid.startedHere).toBe(true);
  expect(await query(afterStalePid.url, 'select id from kept')).toEqual([{ id: 42 }]);
});

it('stop then ensure keeps the data; a port taken by another program is replaced and remembered', async () => {
  const dataDir = await newDataDir();
  const first = await ensureEmbeddedPostgres({ dataDir });
  await query(first.url, 'create table kept (id int); insert into kept values (7)');
  expect(await stopEmbeddedPostgres(dataDir)).toBe(true);

  const squatter: Server = createServer((socket) => socket.destroy());
  await new Promise<void>((done) => squatter.listen(first.port, '127.0.0.1', done));
  try {
    const moved = await ensureEmbeddedPostgres({ dataDir });
    expect(moved.startedHere).toBe(true);
    expect(moved.port).not.toBe(first.port);
    expect(Number(await readFile(join(dataDir, 'port'), 'utf8'))).toBe(moved.port);
    expect(await query(moved.url, 'select id from kept')).toEqual([{ id: 7 }]);
  } finally {
    await new Promise((done) => squatter.close(done));
  }
});

it('reset stops the server and deletes the data directory', async () => {
  const dataDir = await newDataDir();
  const { url } = await ensureEmbeddedPostgres({ dataDir });
  await resetEmbeddedPostgres(dataDir);
  await expect(stat(dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  await expect(query(url, 'select 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});
