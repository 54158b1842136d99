import { processEnv, projectRoot } from '@app/config';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The create command (`npm run create -- <dir>`, scripts/create/create.mjs) as a user runs it:
 * a real process copying whatever the starter holds right now, so no file counts here.
 */
const root = projectRoot();
const createScript = join(root, 'scripts/create/create.mjs');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment of a user's shell, minus what npm or jest set for this run. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...processEnv(), ...extra };
  delete env.INIT_CWD; // npm sets it; the command resolves <dir> against it
  delete env.JEST_WORKER_ID;
  if (!('STARTER_CREATE_PAUSE_AFTER_COPY' in extra)) {
    delete env.STARTER_CREATE_PAUSE_AFTER_COPY;
  }
  return env;
}

function start(cmd: string, args: string[], cwd: string, env = cleanEnv()) {
  const child = spawn(cmd, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (c: Buffer) => (out.stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out.stderr += c.toString()));
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, ...out }));
  });
  return { child, out, done };
}

function run(cmd: string, args: string[], cwd: string, env = cleanEnv()): Promise<Run> {
  const started = start(cmd, args, cwd, env);
  started.child.stdin.end();
  return started.done;
}

function create(args: string[], cwd: string, env = cleanEnv()): Promise<Run> {
  return run(process.execPath, [createScript, ...args], cwd, env);
}

async function waitForText(read: () => string, text: string | RegExp, ms = 20000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(typeof text === 'string' ? read().includes(text) : text.test(read()))) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${String(text)}; got:\n${read()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function filesUnder(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, rel), { withFileTypes: true })) {
    const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) {
      out.push(...(await filesUnder(dir, path)));
    } else {
      out.push(path);
    }
  }
  return out;
}

function envValue(env: string, name: string): string | undefined {
  return new RegExp(`^${name}=(.*)$`, 'm').exec(env)?.[1];
}

/** Runs a verification step in the new project; on failure the error carries its output. */
async function mustPass(cwd: string, cmd: string, args: string[]): Promise<void> {
  const result = await run(cmd, args, cwd);
  if (result.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`.slice(0, 20000));
  }
}

const STATUS_FILES = ['apps/api/src/web/status.controller.ts', 'apps/api/src/web/system-status.service.ts', 'apps/api/views/status.njk'];

describe('create command', () => {
  let tmp: string;

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'starter-create-'));
  });

  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('creates a project of its own that type-checks, lints, builds and passes its unit tests', async () => {
    const dir = join(tmp, 'team-app');
    const result = await create([dir, '--no-install', '--no-git', '--sessions=file'], tmp);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\s+cd team-app$/m); // relative to where it was run
    expect(result.stdout).toMatch(/^\s+npm start\b/m);
    expect(result.stdout).toMatch(/^\s+npm test\b/m);

    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: 'team-app', version: '0.1.0' });
    expect(pkg.scripts.create).toBeUndefined();
    expect(pkg.bin).toBeUndefined();
    const lock = JSON.parse(await readFile(join(dir, 'package-lock.json'), 'utf8'));
    expect([lock.name, lock.packages[''].name, lock.packages[''].version]).toEqual(['team-app', 'team-app', '0.1.0']);

    const envPath = join(dir, '.env');
    expect((await stat(envPath)).mode & 0o777).toBe(0o600);
    const env = await readFile(envPath, 'utf8');
    expect(envValue(env, 'APP_NAME')).toBe('Team App');
    expect(envValue(env, 'SESSION_STORE')).toBe('file');
    const secret = envValue(env, 'SESSION_SECRET')!;
    expect(Buffer.from(secret, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(secret).toMatch(/^[A-Za-z0-9_-]+$/);
    expect((await readFile(join(dir, '.gitignore'), 'utf8')).split('\n')).toContain('.env');

    // A second project gets a secret of its own.
    const other = join(tmp, 'other-app');
    expect((await create([other, '--yes', '--no-install', '--no-git'], tmp)).code).toBe(0);
    expect(envValue(await readFile(join(other, '.env'), 'utf8'), 'SESSION_SECRET')).not.toBe(secret);
    expect(envValue(env, 'AUTH_TOTP_ENCRYPTION_KEY')).toMatch(/^[0-9a-f]{64}$/);
    expect(envValue(await readFile(join(other, '.env'), 'utf8'), 'AUTH_TOTP_ENCRYPTION_KEY')).not.toBe(envValue(env, 'AUTH_TOTP_ENCRYPTION_KEY'));

    const files = await filesUnder(dir);
    for (const local of ['.git', 'node_modules', 'dist', '.data', 'bench/results', 'coverage', 'scripts/create']) {
      expect(existsSync(join(dir, local))).toBe(false);
    }
    expect(files.filter((f) => /(^|\/)isolate-[^/]*\.log$|\.tsbuildinfo$|(^|\/)create\.e2e-spec\.ts$/.test(f))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'tsconfig.json', 'apps/api/src/main.ts', ...STATUS_FILES]));
    expect((await readdir(tmp)).sort()).toEqual(['other-app', 'team-app']); // no temporary directory left

    // The new project works on its own (dependencies borrowed from the starter to save the install).
    await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    await mustPass(dir, process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json']);
    await mustPass(dir, process.execPath, ['node_modules/eslint/bin/eslint.js', '.']);
    await mustPass(dir, 'npm', ['run', 'build', '--silent']);
    await mustPass(dir, process.execPath, [
      '--experimental-vm-modules',
      '--no-warnings=ExperimentalWarning',
      'node_modules/jest/bin/jest.js',
      '--selectProjects',
      'unit',
    ]);
  }, 600_000);

  it('leaves the example pages out with --no-examples, and the project still type-checks', async () => {
    const dir = join(tmp, 'bare');
    const result = await create([dir, '--no-examples', '--no-install', '--no-git'], tmp);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const file of STATUS_FILES) {
      expect(existsSync(join(dir, file))).toBe(false);
    }
    const webModule = await readFile(join(dir, 'apps/api/src/web/web.module.ts'), 'utf8');
    expect(webModule).not.toMatch(/Status/);
    expect(webModule).toContain('HomeController');
    expect(await readFile(join(dir, 'apps/api/views/layout.njk'), 'utf8')).not.toContain('/status');
    const pages = await readFile(join(dir, 'apps/api/test/pages.e2e-spec.ts'), 'utf8');
    expect(pages).not.toContain('/status');
    expect(pages).toContain("it('renders a styled HTML 404 for browsers'"); // the other tests stay

    await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    await mustPass(dir, process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json']);
  }, 300_000);

  it('stops with the anchor it missed when the template drifted, leaving nothing behind', async () => {
    // A starter without a .git (as published): the tree is walked, local state is skipped, and
    // the example removal fails loudly because the status page is not where the list says.
    const fake = join(tmp, 'fake-starter');
    await cp(join(root, 'scripts/create'), join(fake, 'scripts/create'), { recursive: true });
    await writeFile(join(fake, 'package.json'), JSON.stringify({ name: 'fake', version: '1.0.0', scripts: { create: 'x' } }));
    await writeFile(join(fake, '.gitignore'), 'node_modules/\n');
    for (const local of ['.env', 'node_modules/x/index.js', 'dist/main.js', '.data/sessions/s', 'isolate-0x1-v8.log', 'app.tsbuildinfo']) {
      await mkdir(join(fake, local, '..'), { recursive: true });
      await writeFile(join(fake, local), 'local state\n');
    }
    const fakeCreate = join(fake, 'scripts/create/create.mjs');

    const drifted = await run(process.execPath, [fakeCreate, join(tmp, 'drifted'), '--no-examples', '--no-install', '--no-git'], tmp);
    expect(drifted.code).toBe(1);
    expect(drifted.stderr).toContain('apps/api/src/web/status.controller.ts not found');
    expect((await readdir(tmp)).filter((e) => e.startsWith('drifted'))).toEqual([]);

    const walked = join(tmp, 'walked');
    const ok = await run(process.execPath, [fakeCreate, walked, '--no-install', '--no-git'], tmp);
    expect(ok.code).toBe(0);
    expect((await filesUnder(walked)).sort()).toEqual(['.env', '.gitignore', 'package.json']);
    expect(await readFile(join(walked, '.env'), 'utf8')).not.toContain('local state');
    expect((await readFile(join(walked, '.gitignore'), 'utf8')).split('\n')).toEqual(
      expect.arrayContaining(['node_modules/', '.env', 'dist/']),
    );
  });

  describe('refuses bad input with one line and exit code 2, writing nothing', () => {
    it('an existing directory that is not empty', async () => {
      const dir = join(tmp, 'taken');
      await mkdir(dir);
      await writeFile(join(dir, 'keep.txt'), 'mine\n');
      const result = await create([dir, '--no-install', '--no-git'], tmp);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/already exists and is not empty/)]);
      expect(await readdir(dir)).toEqual(['keep.txt']);
      expect((await readdir(tmp)).filter((e) => e.startsWith('taken.'))).toEqual([]);
    });

    it.each([
      [['--name', 'My App'], /invalid package name "My App": it must be lowercase/],
      [['--name', '@scope/a b'], /invalid package name/],
      [['--frobnicate'], /unknown option --frobnicate/],
      [['--sessions=memory'], /--sessions must be redis or file/],
    ])('%j', async (args, message) => {
      const dir = join(tmp, 'never');
      const result = await create([dir, '--no-install', '--no-git', ...args], tmp);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
      expect(result.stdout).toBe('');
      expect((await readdir(tmp)).filter((e) => e.startsWith('never'))).toEqual([]);
    });
  });

  it('leaves neither the project nor its temporary directory when interrupted halfway', async () => {
    const dir = join(tmp, 'interrupted');
    const started = start(
      process.execPath,
      [createScript, dir, '--no-install', '--no-git'],
      tmp,
      cleanEnv({ STARTER_CREATE_PAUSE_AFTER_COPY: '1' }),
    );
    started.child.stdin.end();
    await waitForText(() => started.out.stderr, 'paused after copy');
    expect((await readdir(tmp)).filter((e) => e.startsWith('interrupted.creating-'))).toHaveLength(1); // really halfway
    started.child.kill('SIGINT');
    const result = await started.done;
    expect(result.code).toBe(130);
    expect((await readdir(tmp)).filter((e) => e.startsWith('interrupted'))).toEqual([]);
  });

  it('asks the questions on a terminal and re-asks after a bad answer', async () => {
    // util-linux `script` gives the command a pseudo-terminal; answers are typed as prompts appear.
    const dir = join(tmp, 'asked');
    const started = start('script', ['-qefc', `${process.execPath} ${createScript} ${dir} --no-install --no-git`, '/dev/null'], tmp);
    const type = async (prompt: string | RegExp, answer: string) => {
      await waitForText(() => started.out.stdout, prompt);
      started.out.stdout = '';
      started.child.stdin.write(`${answer}\r`);
    };
    await type('Project name (npm package name) (asked):', 'My App');
    await type(/must be lowercase[\s\S]*Project name/, 'tty-app');
    await type('Sessions in file or redis (file):', 'redis');
    await type('Keep the example pages', 'n');
    const result = await started.done;
    expect(result.code).toBe(0);
    expect(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')).name).toBe('tty-app');
    const env = await readFile(join(dir, '.env'), 'utf8');
    expect(envValue(env, 'SESSION_STORE')).toBe('redis');
    expect(envValue(env, 'REDIS_URL')).toBe('redis://127.0.0.1:6379/0');
    expect(existsSync(join(dir, STATUS_FILES[0]))).toBe(false);
  }, 60_000);
});
