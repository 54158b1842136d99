import type { AppConfig } from '@app/config';
import { MemoryAttemptCounters } from './attempt-counters.js';
import { clientKey } from './client-key.js';
import { LoginThrottle, TooManyAttemptsError } from './login-throttle.js';

describe('clientKey', () => {
  it('counts an IPv4 address as itself, also when a dual-stack socket maps it into IPv6', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::FFFF:cb00:7107')).toBe('203.0.113.7');
  });

  it('counts an IPv6 client by its /64, however the address is written', () => {
    const key = '2001:db8:1:2::/64';
    for (const address of [
      '2001:db8:1:2::1',
      '2001:0DB8:0001:0002:ffff:ffff:ffff:fffe',
      '2001:db8:1:2:a:b:c:d',
      '2001:db8:1:2::192.0.2.1',
      '2001:db8:1:2::1%eth0',
    ]) {
      expect([address, clientKey(address)]).toEqual([address, key]);
    }
    expect(clientKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('2001:db8::')).toBe('2001:db8:0:0::/64');
  });

  it('keeps anything else apart from real addresses', () => {
    expect(clientKey('')).toBe('unknown');
    expect(clientKey(undefined)).toBe('unknown');
    expect(clientKey('not an address')).toBe('other:not an address');
  });
});

describe('LoginThrottle (in memory)', () => {
  const config = {
    redis: { keyPrefix: 'x:' },
    auth: { failureWindowSeconds: 60, maxFailuresPerAccount: 3, maxFailuresPerIp: 5, maxFailuresPerAccountGlobal: 7 },
  } as unknown as AppConfig;
  const refused = (promise: Promise<unknown>) => promise.then(() => 'counted', (e: unknown) => (e instanceof TooManyAttemptsError ? 429 : e));

  it('counts parallel attempts before any is settled: only the limit get through', async () => {
    const throttle = new LoginThrottle(config, null);
    const results = await Promise.all(Array.from({ length: 20 }, () => refused(throttle.reserve('a@example.org', '10.0.0.1'))));
    expect(results.filter((r) => r === 'counted')).toHaveLength(3);
    expect(results.filter((r) => r === 429)).toHaveLength(17);
  });

  it('says when to come back', async () => {
    const throttle = new LoginThrottle(config, null);
    for (let i = 0; i < 3; i++) {
      await throttle.reserve('a@example.org', '10.0.0.1');
    }
    const error = (await throttle.reserve('a@example.org', '10.0.0.1').catch((e: unknown) => e)) as TooManyAttemptsError;
    expect(error).toBeInstanceOf(TooManyAttemptsError);
    expect(error.retryAfterSeconds).toBeGreaterThan(58);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('a good password hands the attempt back and forgives that client its typos on the account', async () => {
    const throttle = new LoginThrottle(config, null);
    await throttle.reserve('a@example.org', '10.0.0.1');
    await throttle.reserve('a@example.org', '10.0.0.1');
    throttle.succeeded(await throttle.reserve('A@Example.org ', '10.0.0.1'));
    for (let i = 0; i < 3; i++) {
      await throttle.reserve('a@example.org', '10.0.0.1');
    }
    await expect(throttle.reserve('a@example.org', '10.0.0.1')).rejects.toBeInstanceOf(TooManyAttemptsError);
  });

  it('an abandoned attempt does not count', async () => {
    const throttle = new LoginThrottle(config, null);
    for (let i = 0; i < 10; i++) {
      throttle.abandoned(await throttle.reserve('a@example.org', '10.0.0.1'));
    }
    await expect(throttle.reserve('a@example.org', '10.0.0.1')).resolves.toBeDefined();
  });

  it('limits one client per account, per client across accounts, and every client together per account', async () => {
    const throttle = new LoginThrottle(config, null);
    for (let i = 0; i < 3; i++) {
      await throttle.reserve('victim@example.org', '198.51.100.1');
    }
    await expect(throttle.reserve('victim@example.org', '198.51.100.1')).rejects.toBeInstanceOf(TooManyAttemptsError);
    // Another client (another /64 for IPv6) is not refused for that account...
    await throttle.reserve('victim@example.org', '2001:db8:1:1::1');
    await throttle.reserve('victim@example.org', '2001:db8:1:1::2');
    await throttle.reserve('victim@example.org', '2001:db8:1:1::3');
    await expect(throttle.reserve('victim@example.org', '2001:db8:1:1::4')).rejects.toBeInstanceOf(TooManyAttemptsError);
    // ...and a refused attempt counted nowhere: the account stands at 6 of its 7.
    await throttle.reserve('victim@example.org', '192.0.2.1');
    await expect(throttle.reserve('victim@example.org', '192.0.2.2')).rejects.toBeInstanceOf(TooManyAttemptsError);
    // The per-client limit across accounts.
    for (let i = 0; i < 5; i++) {
      await throttle.reserve(`spray-${i}@example.org`, '203.0.113.9');
    }
    await expect(throttle.reserve('spray-x@example.org', '203.0.113.9')).rejects.toBeInstanceOf(TooManyAttemptsError);
  });
});

describe('MemoryAttemptCounters', () => {
  it('starts over when the window ends, and forgets ended windows', async () => {
    let now = 1_000;
    const counters = new MemoryAttemptCounters(100, () => now);
    expect(await counters.reserve([{ key: 'k', limit: 1 }])).toBe(0);
    expect(await counters.reserve([{ key: 'k', limit: 1 }])).toBe(100);
    now += 60;
    expect(await counters.reserve([{ key: 'k', limit: 1 }])).toBe(40);
    now += 40;
    expect(counters.count('k')).toBe(0);
    expect(await counters.reserve([{ key: 'k', limit: 1 }])).toBe(0);
  });

  it('never goes below zero', async () => {
    const counters = new MemoryAttemptCounters(100);
    await counters.reserve([{ key: 'k', limit: 5 }]);
    await counters.refund(['k'], ['decrement']);
    await counters.refund(['k'], ['decrement']);
    expect(counters.count('k')).toBe(0);
    await counters.reserve([{ key: 'k', limit: 5 }]);
    expect(counters.count('k')).toBe(1);
  });
});
