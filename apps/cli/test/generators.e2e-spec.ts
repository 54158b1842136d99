import { jest } from '@jest/globals';
import { processEnv, projectRoot } from '@app/config';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The generators (schematics/) as a user runs them: `nest g -c ./schematics <kind> <name>`
 * in a copy of the project, then the copy's typecheck and the generated tests, which must pass.
 * Bad input goes through `node schematics/generate.js`, whose exit code can be trusted (the Nest
 * CLI exits 0 even when a schematic fails), and must leave every file as it was.
 */

// Real processes (nest g, tsc, jest with Postgres and Redis) on a shared machine.
jest.setTimeout(240000);

const root = projectRoot();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a user's shell, minus what npm or jest set for this run. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...processEnv() };
  delete env.INIT_CWD;
  delete env.JEST_WORKER_ID;
  return env;
}

function run(cmd: string, args: string[], cwd: string, timeout = 180000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: cleanEnv(), timeout, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
    });
  });
}

const jestArgs = ['--experimental-vm-modules', '--no-warnings=ExperimentalWarning', 'node_modules/jest/bin/jest.js'];

/** Every file the project holds now: tracked (as in the working tree) and new, not ignored. */
async function copyProject(): Promise<string> {
  const list = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root);
  const files = [...new Set(list.stdout.split('\0').filter(Boolean))].filter((f) => existsSync(join(root, f)));
  const dir = await mkdtemp(join(tmpdir(), 'starter-generators-'));
  for (const file of files) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await cp(join(root, file), join(dir, file));
  }
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** A fingerprint of every file of the copy (content and path), to prove a refusal wrote nothing. */
async function snapshot(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (sub: string): Promise<void> => {
    for (const entry of (await readdir(join(dir, sub), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'node_modules' || entry.name === '.data' || entry.name === 'dist') {
        continue;
      }
      const path = join(sub, entry.name);
      if (entry.isDirectory()) {
        await walk(path);
      } else {
        hash.update(path).update('\0').update(await readFile(join(dir, path))).update('\0');
      }
    }
  };
  await walk('.');
  return hash.digest('hex');
}

describe('generators (nest g -c ./schematics)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await copyProject();
  });

  afterAll(async () => {
    if (dir) {
      await rm(dir, { recursive: true, force: true });
    }
  });

  const generated = {
    lib: ['libs/billing/src/billing.module.ts', 'libs/billing/src/billing.service.ts', 'libs/billing/src/billing.service.spec.ts', 'libs/billing/src/index.ts'],
    entity: ['libs/billing/src/invoice/invoice.entity.ts', 'libs/billing/src/entities.ts'],
    job: ['apps/worker/src/processors/send-report.processor.ts', 'apps/worker/test/send-report.e2e-spec.ts'],
    mail: ['libs/mail/templates/weekly-digest.njk', 'libs/mail/src/weekly-digest.mail.spec.ts'],
    page: [
      'apps/api/src/contact-us/contact-us.module.ts',
      'apps/api/src/contact-us/contact-us.controller.ts',
      'apps/api/src/contact-us/contact-us-form.ts',
      'apps/api/views/contact-us/contact-us.njk',
      'apps/api/test/contact-us.e2e-spec.ts',
    ],
  };

  it.each([
    ['lib', ['lib', 'billing']],
    ['entity', ['entity', 'invoice', '-p', 'billing']],
    ['job', ['job', 'send-report', '-p', 'worker']],
    ['mail', ['mail', 'weekly-digest', '-p', 'mail']],
    ['page', ['page', 'contact-us', '-p', 'api']],
  ] as const)('%s: nest g writes the files and edits the registries', async (kind, args) => {
    const res = await run('npx', ['nest', 'g', '-c', './schematics', ...args], dir);
    expect(`${res.stderr}`).toBe('');
    expect(res.code).toBe(0);
    for (const file of generated[kind]) {
      expect(res.stdout).toContain(`CREATE ${file}`);
      expect(existsSync(join(dir, file))).toBe(true);
    }
  });

  it('registers what it generated where the project looks for it', async () => {
    const read = (file: string) => readFile(join(dir, file), 'utf8');
    expect(await read('tsconfig.json')).toContain('"@app/billing": ["./libs/billing/src/index.ts"]');
    expect(JSON.parse(await read('nest-cli.json')).projects.billing).toEqual({
      type: 'library',
      root: 'libs/billing',
      entryFile: 'index',
      sourceRoot: 'libs/billing/src',
    });
    expect(await read('libs/core/src/entities.ts')).toMatch(/\.\.\.BILLING_ENTITIES\]/);
    expect(await read('libs/database/src/migrations/index.ts')).toMatch(/Invoices\d{13}\]/);
    expect(await read('libs/queue/src/job-registry.ts')).toContain(`'send-report': { queue: 'maintenance' }`);
    expect(await read('apps/worker/src/worker.module.ts')).toContain('SendReportProcessor]');
    expect(await read('libs/mail/src/mail-templates.ts')).toContain(`'weekly-digest': () => 'Weekly digest'`);
    // The sample `npm run cli -- mail:preview weekly-digest` renders, and the generated test too.
    expect(await read('libs/mail/src/mail-samples.ts')).toContain(`'weekly-digest': { firstName: 'Ada', url: 'https://app.example.org/weekly-digest' }`);
    expect(await read('libs/mail/src/weekly-digest.mail.spec.ts')).toContain(`MAIL_SAMPLES['weekly-digest']`);
    expect(await read('apps/api/src/api.module.ts')).toMatch(/ContactUsModule,\n/);
  });

  it('leaves a project that typechecks', async () => {
    const res = await run('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'], dir);
    expect(res.stdout + res.stderr).toBe('');
    expect(res.code).toBe(0);
  });

  it('leaves generated tests that pass, and entities that match the migrations', async () => {
    const drift = 'libs/database/test/schema-drift.int-spec.ts';
    const tests = [
      'libs/billing/src/billing.service.spec.ts',
      'libs/mail/src/weekly-digest.mail.spec.ts',
      'libs/mail/src/mail-renderer.spec.ts',
      'libs/core/src/entities.spec.ts',
      'apps/worker/test/send-report.e2e-spec.ts',
      'apps/api/test/contact-us.e2e-spec.ts',
      ...(existsSync(join(dir, drift)) ? [drift] : []),
    ];
    const res = await run('node', [...jestArgs, '--ci', ...tests], dir);
    expect(res.stderr).toMatch(/Tests: +\d+ passed, \d+ total/);
    expect(res.code).toBe(0);
    for (const test of tests) {
      expect(res.stderr).toContain(test);
    }
    if (!existsSync(join(dir, drift))) {
      // Without the drift test: the migration CLI's own check on a scratch database.
      const build = await run('npx', ['nest', 'build', 'api'], dir);
      expect(build.code).toBe(0);
      const check = await run('node', ['scripts/migration-check.mjs'], dir);
      expect(check.stdout + check.stderr).toMatch(/No drift/);
    }
  });

  describe('bad input: one line, a non-zero exit, nothing written', () => {
    let before: string;

    beforeEach(async () => {
      before = await snapshot(dir);
    });

    afterEach(async () => {
      expect(await snapshot(dir)).toBe(before);
    });

    it.each([
      [['lib', 'Bad_Name'], /lib: "Bad_Name" is not a valid name/],
      [['page', '1st-page'], /page: "1st-page" is not a valid name/],
      [['entity', 'order-', '--lib', 'billing'], /entity: "order-" is not a valid name/],
      [['job', 'send.report'], /job: "send.report" is not a valid name/],
      [['mail', 'Weekly Digest'], /mail: "Weekly Digest" is not a valid name/],
      [['mail', ''], /mail: a name is required/],
    ])('invalid name: %j', async (args, message) => {
      const res = await run('node', ['schematics/generate.js', ...args], dir);
      expect(res.code).toBe(2);
      expect(res.stderr.trim()).toMatch(message);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
    });

    it.each([
      [['lib', 'billing'], /lib: libs\/billing already exists/],
      [['lib', 'mail'], /lib: libs\/mail already exists/],
      [['entity', 'invoice', '--lib', 'billing'], /entity: libs\/billing\/src\/invoice\/invoice.entity.ts already exists/],
      [['entity', 'outbox-mail', '--lib', 'mail'], /entity: .*OutboxMail/],
      [['entity', 'receipt'], /entity: which lib owns it/],
      [['entity', 'receipt', '--lib', 'api'], /entity: "api" is an app/],
      [['job', 'send-report'], /job: apps\/worker\/src\/processors\/send-report.processor.ts already exists/],
      [['mail', 'weekly-digest'], /mail: libs\/mail\/templates\/weekly-digest.njk already exists/],
      [['mail', 'test'], /mail: libs\/mail\/templates\/test.njk already exists/],
      [['page', 'contact-us'], /page: apps\/api\/src\/contact-us already exists/],
      [['page', 'login'], /page: the api already serves \/login/],
      [['page', 'admin'], /page: apps\/api\/src\/admin already exists/],
    ])('collision: %j', async (args, message) => {
      const res = await run('node', ['schematics/generate.js', ...args], dir);
      expect(res.code).toBe(2);
      expect(res.stderr.trim()).toMatch(message);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
    });

    it('through nest g too: the same line, nothing written (the Nest CLI itself exits 0)', async () => {
      const res = await run('npx', ['nest', 'g', '-c', './schematics', 'job', 'send-report', '-p', 'worker'], dir);
      expect(res.stderr).toContain('job: apps/worker/src/processors/send-report.processor.ts already exists.');
      expect(res.stdout).not.toContain('CREATE');
    });
  });
});
