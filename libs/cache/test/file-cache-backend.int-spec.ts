import { Cache, FileCacheBackend } from '@app/cache';
import { waitFor } from '@app/testing';
import { randomBytes } from 'node:crypto';
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeCacheContract } from './cache.conformance.js';

const freshDir = () => join(tmpdir(), `starter-cache-test-${randomBytes(6).toString('hex')}`);

async function filesUnder(dir: string): Promise<{ path: string; size: number; mode: number }[]> {
  const out: { path: string; size: number; mode: number }[] = [];
  for (const sub of await readdir(dir).catch(() => [] as string[])) {
    for (const name of await readdir(join(dir, sub))) {
      const info = await stat(join(dir, sub, name));
      out.push({ path: join(dir, sub, name), size: info.size, mode: info.mode & 0o777 });
    }
  }
  return out;
}

describeCacheContract('FileCacheBackend (real files)', async () => {
  const dir = freshDir();
  const a = new FileCacheBackend({ dir, maxBytes: 1024 * 1024 });
  const b = new FileCacheBackend({ dir, maxBytes: 1024 * 1024 });
  return {
    backend: a,
    share: () => b,
    teardown: async () => {
      await a.close();
      await b.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('FileCacheBackend files', () => {
  let dir: string;
  beforeEach(() => (dir = freshDir()));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads a corrupt or truncated file as a miss, and removes it', async () => {
    const backend = new FileCacheBackend({ dir, maxBytes: 1024 * 1024 });
    const users = new Cache(backend).namespace<string>('users', 60_000);
    await users.set('a', 'Ada');
    const [entry] = (await filesUnder(dir)).filter((f) => f.size > 30);
    for (const garbage of ['', 'not a number\n{"s":"0.0","v":"x"}', `${Date.now() + 60_000}\n{"s":"0.0","v"`]) {
      await writeFile(entry.path, garbage);
      expect(await users.get('a')).toBeUndefined();
    }
    expect(await users.getOrCompute('a', async () => 'recomputed')).toBe('recomputed');
    expect(await users.get('a')).toBe('recomputed');
    await backend.close();
  });

  it('writes private files through a temp file and a rename, leaving no temp file behind', async () => {
    const backend = new FileCacheBackend({ dir, maxBytes: 1024 * 1024 });
    const users = new Cache(backend).namespace<string>('users', 60_000);
    await Promise.all(Array.from({ length: 50 }, (_, i) => users.set(`k${i % 5}`, `value ${i}`)));
    const files = await filesUnder(dir);
    expect(files.filter((f) => f.path.endsWith('.tmp'))).toEqual([]);
    expect(new Set(files.map((f) => f.mode))).toEqual(new Set([0o600]));
    for (let i = 0; i < 5; i++) {
      expect(await users.get(`k${i}`)).toMatch(/^value \d+$/);
    }
    await backend.close();
  });

  it('reads back a value larger than one read', async () => {
    const backend = new FileCacheBackend({ dir, maxBytes: 1024 * 1024 });
    const users = new Cache(backend).namespace<string>('users', 60_000);
    const big = 'é'.repeat(20_000);
    await users.set('big', big);
    expect(await users.get('big')).toBe(big);
    await backend.close();
  });

  it('keeps the directory under its size bound, evicting what expires soonest', async () => {
    const maxBytes = 32 * 1024;
    const backend = new FileCacheBackend({ dir, maxBytes });
    const users = new Cache(backend).namespace<string>('users', 60_000);
    await users.set('long-lived', 'keep me', 600_000);
    const kilobyte = 'x'.repeat(1024);
    for (let i = 0; i < 200; i++) {
      await users.set(`k${i}`, kilobyte, 60_000);
    }
    await waitFor(async () => (await filesUnder(dir)).reduce((sum, f) => sum + f.size, 0) <= maxBytes, 5000, 50);
    await backend.close();
    expect(await users.get('long-lived')).toBe('keep me');
    expect(await users.get('k199')).toBe(kilobyte);
  });
});
