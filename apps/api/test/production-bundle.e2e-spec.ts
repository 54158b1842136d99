import { createTestDatabase, freePort, spawnBuiltApp, testEnv, waitFor, type TestDatabase } from '@app/testing';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../../..');

// Packages the bundle leaves outside on purpose (scripts/bundle.mjs says why for each).
const EXTERNAL_ON_PURPOSE = new Set(['pg', 'typeorm', 'pino-http', 'argon2']);

/** `file:///…/node_modules/@scope/name/x.js` → `@scope/name`; a node: builtin → null. */
function packageOf(url: string): string | null {
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  return match ? match[1] : null;
}

describe('the production bundles', () => {
  let db: TestDatabase;
  let scratch: string;

  beforeAll(async () => {
    db = await createTestDatabase('bundle');
    scratch = await mkdtemp(join(tmpdir(), 'bundle-resolves-'));
  });

  afterAll(async () => {
    await db?.drop();
    await rm(scratch, { recursive: true, force: true });
  });

  it('are ASCII only, so V8 keeps their source at one byte per character', async () => {
    const bundles = (await readdir(join(ROOT, 'dist/bundle'))).filter((f) => f.endsWith('.mjs'));
    expect(bundles.sort()).toEqual(['api.mjs', 'cli.mjs', 'worker.mjs']);
    for (const file of bundles) {
      const bytes = await readFile(join(ROOT, 'dist/bundle', file));
      const wide = bytes.findIndex((b) => b > 0x7f);
      expect({ file, firstWideByteAt: wide }).toEqual({ file, firstWideByteAt: -1 });
    }
  });

  it('the api loads from node_modules only the packages left outside on purpose, also once readiness has checked the database', async () => {
    const log = join(scratch, 'api-resolves.log');
    const port = await freePort();
    const app = spawnBuiltApp('api', {
      ...testEnv({ DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1' }),
      NODE_OPTIONS: `--import=${join(import.meta.dirname, 'support/resolve-log.mjs')}`,
      RESOLVE_LOG: log,
    });
    try {
      await waitFor(
        async () => {
          if (app.child.exitCode !== null) {
            throw new Error(`api exited (${app.child.exitCode}):\n${app.output()}`);
          }
          return (await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => null))?.ok === true;
        },
        30000,
        100,
      );
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(ready.status).toBe(200);
      expect(JSON.stringify(await ready.json())).toContain('database');
    } finally {
      app.child.kill('SIGTERM');
      await app.exited;
    }
    const urls = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    const packages = new Set(urls.map(packageOf).filter((p): p is string => p !== null));
    // Something was recorded at all: the hook works, so an empty difference below means something.
    expect(packages.has('typeorm')).toBe(true);
    expect([...packages].filter((p) => !EXTERNAL_ON_PURPOSE.has(p))).toEqual([]);
  });
});
