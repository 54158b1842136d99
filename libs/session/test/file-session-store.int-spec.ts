import { generateSessionId } from '../src/session-id.js';
import { FileSessionStore } from '../src/stores/file-session-store.js';
import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFORMANCE_LIFETIME, describeSessionStoreContract } from './session-store.conformance.js';

async function countEntries(dir: string): Promise<number> {
  let n = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    n += entry.name ? 1 : 0;
  }
  return n;
}

const SECRETS = ['file-store-secret-0123456789abcdef'];

describeSessionStoreContract('FileSessionStore (real directory)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sessions-'));
  return {
    store: new FileSessionStore({ dir, lifetime: CONFORMANCE_LIFETIME, secrets: SECRETS }),
    corrupt: async (id, kind) => {
      const path = join(dir, 's', id, 'record.json');
      const text = await readFile(path, 'utf8');
      await writeFile(path, kind === 'garbage' ? '\u0000\u00ff not json' : text.slice(0, text.length / 2));
    },
    footprint: async () => countEntries(dir),
    teardown: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('FileSessionStore on disk', () => {
  let dir: string;
  let store: FileSessionStore;
  let record: { createdAt: number; lastSeenAt: number; userId: string; data: Record<string, unknown> };

  beforeEach(async () => {
    record = { createdAt: Date.now(), lastSeenAt: Date.now(), userId: 'u1', data: { a: 1 } };
    dir = await mkdtemp(join(tmpdir(), 'sessions-'));
    store = new FileSessionStore({ dir, lifetime: CONFORMANCE_LIFETIME, secrets: SECRETS });
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes records readable by their owner only (0600) and leaves no temp files', async () => {
    const id = generateSessionId();
    await store.create(id, record);
    await Promise.all(Array.from({ length: 10 }, (_, i) => store.set(id, { ...record, data: { i } })));
    const info = await stat(join(dir, 's', id, 'record.json'));
    expect(info.mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 's', id))).toEqual(['record.json']);
  });

  it('reads a record copied under another id as no session (HMAC binds it to its id)', async () => {
    const [victim, attacker] = [generateSessionId(), generateSessionId()];
    await store.create(victim, record);
    await store.create(attacker, { ...record, userId: 'u2' });
    const stolen = await readFile(join(dir, 's', victim, 'record.json'));
    await writeFile(join(dir, 's', attacker, 'record.json'), stolen);
    expect(await store.get(attacker)).toBeNull();
  });

  it('refuses records signed with a secret it does not know, accepts rotated ones', async () => {
    const id = generateSessionId();
    await store.create(id, record);
    const rotated = new FileSessionStore({ dir, lifetime: CONFORMANCE_LIFETIME, secrets: ['newer-secret-0123456789abcdef', ...SECRETS] });
    expect(await rotated.get(id)).not.toBeNull();
    const stranger = new FileSessionStore({ dir, lifetime: CONFORMANCE_LIFETIME, secrets: ['someone-else-0123456789abcdef'] });
    expect(await stranger.get(id)).toBeNull();
  });

  it('reaps expired sessions in the background with bounded concurrency', async () => {
    const live = generateSessionId();
    await store.create(live, record);
    const stale = Array.from({ length: 40 }, () => generateSessionId());
    for (const id of stale) {
      await store.create(id, { ...record, lastSeenAt: Date.now() - CONFORMANCE_LIFETIME.idleTtlMs + 200 });
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(await store.reapExpired(4)).toBe(40);
    expect(await readdir(join(dir, 's'))).toEqual([live]);
    expect(await readdir(join(dir, 'trash'))).toEqual([]);
    expect(await store.listByUser('u1')).toHaveLength(1);
  });

  it('reads a record larger than one read chunk in full', async () => {
    const id = generateSessionId();
    const big = { ...record, data: { blob: 'é'.repeat(40_000) } }; // ~80 KB of UTF-8
    await store.create(id, big);
    expect(await store.get(id)).toEqual(big);
  });

  it('reads a file in a foreign format (a JSON envelope carrying a valid HMAC) as no session', async () => {
    const id = generateSessionId();
    await store.create(id, record);
    const json = JSON.stringify(record);
    const key = createHash('sha256').update(`file-session-store\0${SECRETS[0]}`).digest();
    const mac = createHmac('sha256', key).update(id).update('\0').update(json).digest('base64url');
    await writeFile(join(dir, 's', id, 'record.json'), JSON.stringify({ v: 1, id, mac, record: json }));
    expect(await store.get(id)).toBeNull();
  });

  it('reads a v2 record whose JSON was edited, or whose HMAC line was, as no session', async () => {
    const id = generateSessionId();
    await store.create(id, record);
    const path = join(dir, 's', id, 'record.json');
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('"u1"', '"u2"'));
    expect(await store.get(id)).toBeNull();
    await writeFile(path, text.replace(/^v2 ./, 'v2 A'));
    expect(await store.get(id)).toBeNull();
    await writeFile(path, text.split('\n')[0]); // header only
    expect(await store.get(id)).toBeNull();
    await writeFile(path, text);
    expect(await store.get(id)).toEqual(record);
  });

  describe('remembered reads', () => {
    it('sees another process’s update of the same size, and its destroy, on the next read', async () => {
      const id = generateSessionId();
      await store.create(id, { ...record, data: { a: 1 } });
      expect((await store.get(id))?.data).toEqual({ a: 1 }); // now remembered
      const other = new FileSessionStore({ dir, lifetime: CONFORMANCE_LIFETIME, secrets: SECRETS });
      for (let a = 2; a <= 9; a++) {
        expect(await other.set(id, { ...record, data: { a } })).toBe(true); // same size every time
        expect((await store.get(id))?.data).toEqual({ a });
      }
      await other.destroy(id);
      expect(await store.get(id)).toBeNull();
      expect(await store.set(id, record)).toBe(false);
    });

    it('answers each read of one turn on its own: a session another process destroyed, or rewrote, among them', async () => {
      const ids = [generateSessionId(), generateSessionId(), generateSessionId(), generateSessionId()];
      for (const [n, id] of ids.entries()) {
        await store.create(id, { ...record, data: { n } });
        await store.get(id); // remembered: the next reads check the file's identity only
      }
      const other = new FileSessionStore({ dir, lifetime: CONFORMANCE_LIFETIME, secrets: SECRETS });
      await other.destroy(ids[1]);
      await other.set(ids[2], { ...record, data: { n: 20 } });
      // Issued in one turn: their identity checks go to the thread pool together.
      const reads = await Promise.all([...ids, ids[0]].map((id) => store.get(id)));
      expect(reads.map((r) => r?.data.n ?? null)).toEqual([0, null, 20, 3, 0]);
    });

    it('gives every write a new file identity, even for an identical rewrite', async () => {
      const id = generateSessionId();
      await store.create(id, record);
      const path = join(dir, 's', id, 'record.json');
      const seen = new Set<string>();
      for (let i = 0; i < 20; i++) {
        await store.set(id, record);
        const info = await stat(path, { bigint: true });
        seen.add(`${info.ino}:${info.size}:${info.mtimeNs}`);
      }
      expect(seen.size).toBe(20);
    });

    it('hands out copies: changing a returned record does not change the next read', async () => {
      const id = generateSessionId();
      await store.create(id, { ...record, data: { list: [1] } });
      const first = await store.get(id);
      (first!.data.list as number[]).push(2);
      expect((await store.get(id))?.data).toEqual({ list: [1] });
    });

    it('does not trust a remembered record once the file was replaced by hand', async () => {
      const id = generateSessionId();
      await store.create(id, record);
      expect(await store.get(id)).toEqual(record);
      const path = join(dir, 's', id, 'record.json');
      const text = await readFile(path, 'utf8');
      await writeFile(path, text.replace('"u1"', '"u2"')); // same size, new content, bad HMAC
      expect(await store.get(id)).toBeNull();
    });
  });

  it('reports a disk failure as an error, not as "no session"', async () => {
    const id = generateSessionId();
    await store.create(id, record);
    // A directory where the record file should be: reading it fails with EISDIR.
    await rm(join(dir, 's', id, 'record.json'));
    await (await import('node:fs/promises')).mkdir(join(dir, 's', id, 'record.json'));
    await expect(store.get(id)).rejects.toThrow(/EISDIR/);
  });
});
