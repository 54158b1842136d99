import { Logger } from '@nestjs/common';
import { generateSessionId, InvalidSessionIdError } from '../src/session-id.js';
import type { SessionLifetime, SessionRecord } from '../src/session-record.js';
import { SessionIdConflictError, type SessionStore } from '../src/session-store.port.js';

/** Short lifetimes so expiry is observable within a test. */
export const CONFORMANCE_LIFETIME: SessionLifetime = { idleTtlMs: 1500, absoluteTtlMs: 4000 };

export interface StoreUnderTest {
  store: SessionStore;
  /** Writes raw bytes where the store keeps `id`, as a crash, a full disk or a person might. */
  corrupt(id: string, kind: 'garbage' | 'truncated'): Promise<void>;
  /** How many things (keys, files, directories) the store holds; must not grow for bad ids. */
  footprint(): Promise<number>;
}

export const BAD_IDS: Array<[string, string]> = [
  ['parent traversal', '../x'],
  ['deep traversal', '../../../../../etc/passwd'],
  ['slash', 'a/b'],
  ['backslash', 'a\\b'],
  ['NUL byte', 'abc\0def'],
  ['empty', ''],
  ['10 KB', 'x'.repeat(10 * 1024)],
  ['right length, wrong alphabet', '.'.repeat(32)],
  ['one short', 'a'.repeat(31)],
];

// Stores log the corrupt records they drop; the assertions here check the behaviour instead.
Logger.overrideLogger(false);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function record(overrides: Partial<SessionRecord> = {}): SessionRecord {
  const now = Date.now();
  return { createdAt: now, lastSeenAt: now, data: { n: 1 }, ip: '127.0.0.1', userAgent: 'jest', ...overrides };
}

/**
 * The contract of `SessionStore` (see its JSDoc), run against every implementation. Each
 * implementation's spec calls this with a factory giving a fresh, isolated store.
 */
export function describeSessionStoreContract(name: string, setup: () => Promise<StoreUnderTest & { teardown(): Promise<void> }>) {
  describe(`${name} honours the SessionStore contract`, () => {
    let t: StoreUnderTest & { teardown(): Promise<void> };
    let store: SessionStore;

    beforeEach(async () => {
      t = await setup();
      store = t.store;
    });

    afterEach(async () => {
      await t.teardown();
    });

    describe('lifecycle', () => {
      it('returns what was created, and null for an unknown id', async () => {
        const id = generateSessionId();
        const r = record({ userId: 'u1', data: { cart: [1, 2], nested: { a: 'é' } } });
        await store.create(id, r);
        expect(await store.get(id)).toEqual(r);
        expect(await store.get(generateSessionId())).toBeNull();
      });

      it('refuses to create over an existing id', async () => {
        const id = generateSessionId();
        await store.create(id, record());
        await expect(store.create(id, record({ data: { other: true } }))).rejects.toBeInstanceOf(SessionIdConflictError);
        expect((await store.get(id))?.data).toEqual({ n: 1 });
      });

      it('updates an existing session', async () => {
        const id = generateSessionId();
        await store.create(id, record());
        expect(await store.set(id, record({ data: { n: 2 } }))).toBe(true);
        expect((await store.get(id))?.data).toEqual({ n: 2 });
      });

      it('destroys, and destroying twice or an unknown id is fine', async () => {
        const id = generateSessionId();
        await store.create(id, record());
        await store.destroy(id);
        expect(await store.get(id)).toBeNull();
        await expect(store.destroy(id)).resolves.toBeUndefined();
        await expect(store.destroy(generateSessionId())).resolves.toBeUndefined();
      });
    });

    describe('expiry is enforced by the store', () => {
      it('ends a session after its idle time', async () => {
        const id = generateSessionId();
        const now = Date.now();
        await store.create(id, record({ lastSeenAt: now - CONFORMANCE_LIFETIME.idleTtlMs + 400 }));
        expect(await store.get(id)).not.toBeNull();
        await sleep(600);
        expect(await store.get(id)).toBeNull();
      });

      it('slides the idle deadline on touch, without rewriting the data', async () => {
        const id = generateSessionId();
        const now = Date.now();
        await store.create(id, record({ lastSeenAt: now - CONFORMANCE_LIFETIME.idleTtlMs + 400, data: { keep: 'me' } }));
        const touchedAt = Date.now();
        expect(await store.touch(id, touchedAt)).toBe(true);
        await sleep(600);
        const after = await store.get(id);
        expect(after?.data).toEqual({ keep: 'me' });
        expect(after!.lastSeenAt).toBe(touchedAt);
      });

      it('ends a session at its absolute lifetime however active it is', async () => {
        const id = generateSessionId();
        const now = Date.now();
        await store.create(id, record({ createdAt: now - CONFORMANCE_LIFETIME.absoluteTtlMs + 500, lastSeenAt: now }));
        expect(await store.touch(id, Date.now())).toBe(true);
        await sleep(300);
        expect(await store.set(id, record({ createdAt: now - CONFORMANCE_LIFETIME.absoluteTtlMs + 500, lastSeenAt: Date.now() }))).toBe(true);
        await sleep(400);
        expect(await store.get(id)).toBeNull();
        expect(await store.touch(id, Date.now())).toBe(false);
      });
    });

    describe('no resurrection', () => {
      it('drops a late save and a late touch from a request that still held the session', async () => {
        const id = generateSessionId();
        await store.create(id, record({ userId: 'u1' }));
        const heldBySlowRequest = await store.get(id);
        await store.destroy(id); // logout lands first
        expect(await store.set(id, { ...heldBySlowRequest!, data: { stale: true } })).toBe(false);
        expect(await store.touch(id, Date.now())).toBe(false);
        expect(await store.get(id)).toBeNull();
        expect(await store.listByUser('u1')).toEqual([]);
      });

      it('lets a destroy win over saves racing with it', async () => {
        const id = generateSessionId();
        await store.create(id, record());
        const saves = Array.from({ length: 20 }, (_, i) => store.set(id, record({ data: { i } })));
        await store.destroy(id);
        await Promise.all(saves);
        expect(await store.get(id)).toBeNull();
        expect(await store.set(id, record())).toBe(false);
        expect(await store.get(id)).toBeNull();
      });
    });

    describe('per-user index', () => {
      it('lists a user’s live sessions and keeps up with destroy, expiry and user changes', async () => {
        const [a, b, c, d] = [generateSessionId(), generateSessionId(), generateSessionId(), generateSessionId()];
        const now = Date.now();
        await store.create(a, record({ userId: 'u1' }));
        await store.create(b, record({ userId: 'u1' }));
        await store.create(c, record({ userId: 'u2' }));
        await store.create(d, record({ userId: 'u1', lastSeenAt: now - CONFORMANCE_LIFETIME.idleTtlMs + 300 }));
        expect((await store.listByUser('u1')).map((s) => s.id).sort()).toEqual([a, b, d].sort());

        await store.destroy(b);
        await sleep(400); // d expires
        expect((await store.listByUser('u1')).map((s) => s.id)).toEqual([a]);

        expect(await store.set(a, record({ userId: 'u2' }))).toBe(true);
        expect(await store.listByUser('u1')).toEqual([]);
        expect((await store.listByUser('u2')).map((s) => s.id).sort()).toEqual([a, c].sort());
        const listed = (await store.listByUser('u2')).find((s) => s.id === c)!;
        expect(listed.record).toMatchObject({ userId: 'u2', ip: '127.0.0.1', userAgent: 'jest' });
      });

      it('destroys all of a user’s sessions but the one kept', async () => {
        const [keep, x, y, other] = [generateSessionId(), generateSessionId(), generateSessionId(), generateSessionId()];
        for (const id of [keep, x, y]) {
          await store.create(id, record({ userId: 'u1' }));
        }
        await store.create(other, record({ userId: 'u2' }));
        expect(await store.destroyByUser('u1', keep)).toBe(2);
        expect(await store.get(x)).toBeNull();
        expect(await store.get(y)).toBeNull();
        expect(await store.get(keep)).not.toBeNull();
        expect(await store.get(other)).not.toBeNull();
        expect((await store.listByUser('u1')).map((s) => s.id)).toEqual([keep]);
        expect(await store.destroyByUser('u1')).toBe(1);
        expect(await store.listByUser('u1')).toEqual([]);
      });
    });

    describe('ids that must be rejected', () => {
      it.each(BAD_IDS)('%s', async (_label, bad) => {
        const before = await t.footprint();
        expect(await store.get(bad)).toBeNull();
        await expect(store.create(bad, record())).rejects.toBeInstanceOf(InvalidSessionIdError);
        await expect(store.set(bad, record())).rejects.toBeInstanceOf(InvalidSessionIdError);
        await expect(store.touch(bad, Date.now())).rejects.toBeInstanceOf(InvalidSessionIdError);
        await expect(store.destroy(bad)).rejects.toBeInstanceOf(InvalidSessionIdError);
        expect(await t.footprint()).toBe(before);
      });
    });

    describe('corrupt data reads as no session', () => {
      it.each(['garbage', 'truncated'] as const)('%s record', async (kind) => {
        const id = generateSessionId();
        await store.create(id, record({ userId: 'u1' }));
        await t.corrupt(id, kind);
        expect(await store.get(id)).toBeNull();
        expect(await store.listByUser('u1')).toEqual([]);
        // And the id is usable again afterwards: no error loop.
        await store.destroy(id);
        await store.create(id, record());
        expect(await store.get(id)).not.toBeNull();
      });
    });

    describe('concurrency', () => {
      it('never exposes a half-written record to readers while many writers race', async () => {
        const id = generateSessionId();
        await store.create(id, record({ data: { i: -1, pad: 'x'.repeat(2000) } }));
        const ops: Array<Promise<unknown>> = [];
        const reads: Array<Promise<SessionRecord | null>> = [];
        for (let i = 0; i < 50; i++) {
          ops.push(store.set(id, record({ data: { i, pad: 'y'.repeat(2000 + i) } })));
          const read = store.get(id);
          reads.push(read);
          ops.push(read);
        }
        await Promise.all(ops);
        for (const r of await Promise.all(reads)) {
          expect(r).not.toBeNull();
          expect(typeof r!.data.i).toBe('number');
        }
        const final = await store.get(id);
        expect(final!.data.i).toEqual(expect.any(Number));
      });
    });
  });
}
