import type { AppConfig } from '@app/config';
import argon2 from 'argon2';
import { Argon2PasswordHasher, HashQueueFullError } from './password-hasher.js';

// Cheap parameters: this checks behaviour, not cost (the production floor is enforced by config).
function hasher(hashConcurrency: number, hashQueueLimit = 100) {
  const config = { auth: { argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, hashConcurrency, hashQueueLimit } } as unknown as AppConfig;
  return new Argon2PasswordHasher(config);
}

/** Runs `work` while counting how many argon2 calls overlap (argon2's own functions, wrapped). */
async function peakOverlap(work: () => Promise<unknown>): Promise<number> {
  const original = { hash: argon2.hash, verify: argon2.verify };
  let active = 0;
  let peak = 0;
  const counted =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      peak = Math.max(peak, ++active);
      try {
        return await fn(...args);
      } finally {
        active--;
      }
    };
  Object.assign(argon2, { hash: counted(original.hash), verify: counted(original.verify) });
  try {
    await work();
    return peak;
  } finally {
    Object.assign(argon2, original);
  }
}

describe('Argon2PasswordHasher', () => {
  it('verifies what it hashed, after NFKC normalisation, and refuses anything else', async () => {
    const h = hasher(2);
    const stored = await h.hash('ﬁve ﬁne passwords'); // "ﬁ" ligature: NFKC turns it into "fi"
    await expect(h.verify(stored, 'five fine passwords')).resolves.toBe(true);
    await expect(h.verify(stored, 'five fine password')).resolves.toBe(false);
    await expect(h.verify('not-a-hash', 'five fine passwords')).resolves.toBe(false);
  });

  it('never runs more hashes at once than its concurrency; the rest wait and still complete', async () => {
    const h = hasher(1);
    const stored = await h.hash('correct horse battery staple');
    let results: boolean[] = [];
    const peak = await peakOverlap(async () => {
      results = await Promise.all(Array.from({ length: 6 }, (_, i) => h.verify(stored, i % 2 ? 'correct horse battery staple' : 'wrong')));
    });
    expect(peak).toBe(1);
    expect(results).toEqual([false, true, false, true, false, true]);
  });

  it('lets up to its concurrency run side by side', async () => {
    const h = hasher(3);
    const stored = await h.hash('correct horse battery staple');
    const peak = await peakOverlap(() => Promise.all(Array.from({ length: 9 }, () => h.verify(stored, 'correct horse battery staple'))));
    expect(peak).toBe(3);
  });

  it('sends unknown-account checks through the same gate as real ones', async () => {
    const h = hasher(1);
    const stored = await h.hash('correct horse battery staple');
    await h.verifyDummy('warm up: the dummy hash is made once');
    const peak = await peakOverlap(() =>
      Promise.all([h.verify(stored, 'x'), h.verifyDummy('y'), h.verify(stored, 'z'), h.verifyDummy('w')]),
    );
    expect(peak).toBe(1);
  });

  it('refuses a hash at once when its queue is full, and takes work again once it drains', async () => {
    const h = hasher(1, 2);
    const stored = await h.hash('correct horse battery staple');
    // One runs, two wait: the fourth and fifth are refused without waiting or hashing.
    const settled = await Promise.allSettled(Array.from({ length: 5 }, () => h.verify(stored, 'correct horse battery staple')));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
    const refused = (settled[3] as PromiseRejectedResult).reason as HashQueueFullError;
    expect(refused).toBeInstanceOf(HashQueueFullError);
    expect(refused.status).toBe(503);
    expect(refused.retryAfterSeconds).toBeGreaterThan(0);
    expect(h.waiting).toBe(0);
    await expect(h.verify(stored, 'correct horse battery staple')).resolves.toBe(true);
  });

  it('a full queue refuses hashing and the dummy check alike, and a refused dummy is made again later', async () => {
    const h = hasher(1, 1);
    const stored = await h.hash('correct horse battery staple');
    const busy = [h.verify(stored, 'a'), h.verify(stored, 'b')]; // one runs, one waits: full
    await expect(h.hash('another password')).rejects.toBeInstanceOf(HashQueueFullError);
    await expect(h.verifyDummy('unknown account')).rejects.toBeInstanceOf(HashQueueFullError);
    await Promise.all(busy);
    await expect(h.verifyDummy('unknown account')).resolves.toBeUndefined();
  });

  it('defaults to four waiting hashes per unit of concurrency', async () => {
    const config = { auth: { argon2: { memoryCost: 1024, timeCost: 1, parallelism: 1 }, hashConcurrency: 1 } } as unknown as AppConfig;
    const h = new Argon2PasswordHasher(config);
    const stored = await h.hash('correct horse battery staple');
    const settled = await Promise.allSettled(Array.from({ length: 7 }, () => h.verify(stored, 'x')));
    expect(settled.filter((s) => s.status === 'rejected')).toHaveLength(2);
  });
});
