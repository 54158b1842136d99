import { fingerprintOf, scrubSecrets, toErrorReport } from './error-report.js';

describe('error reports', () => {
  it.each([
    ['password=hunter2 and more', 'password=[redacted] and more'],
    ['{"password":"hunter2"}', '{"password":[redacted]}'],
    ['Authorization: Bearer abc.def.ghi', 'Authorization: [redacted] [redacted]'],
    ['connect to redis://user:s3cret@cache:6379 failed', 'connect to redis://[redacted]@cache:6379 failed'],
    ['GET /reset?token=abcdef&x=1', 'GET /reset?token=[redacted]&x=1'],
    ['cookie: sid=s%3Aabc.def', 'cookie: [redacted]'],
    ['session id Jx0l9V2qk3mJmQ1Pz7cYb8e4W5rT6uI0oP9aS8dF7gH6 expired', 'session id [redacted] expired'],
  ])('scrubs %s', (input, expected) => {
    expect(scrubSecrets(input)).toBe(expected);
  });

  it('keeps ordinary messages and stack frames readable', () => {
    const text = 'TypeError: Cannot read properties of undefined\n    at Foo.bar (/app/dist/bundle/api.mjs:123:45)';
    expect(scrubSecrets(text)).toBe(text);
  });

  it('gives the same fingerprint to the same bug with different ids, another to another route', () => {
    const stack = 'Error: x\n    at a (f.js:1:1)\n    at b (f.js:2:2)';
    expect(fingerprintOf('Error', 'user 42 not found', 'GET /u/:id', stack)).toBe(fingerprintOf('Error', 'user 43 not found', 'GET /u/:id', stack));
    expect(fingerprintOf('Error', 'user 42 not found', 'GET /u/:id', stack)).not.toBe(fingerprintOf('Error', 'user 42 not found', 'GET /v/:id', stack));
  });

  it('builds a report with no secret from a failing request', () => {
    const error = new Error('login failed for password=letmein');
    const report = toErrorReport({ error, source: 'http', method: 'POST', route: '/login', requestId: 'r1', userId: 'u1' });
    expect(report).toMatchObject({ source: 'http', errorName: 'Error', method: 'POST', route: '/login', requestId: 'r1', userId: 'u1' });
    expect(JSON.stringify(report)).not.toContain('letmein');
  });
});
