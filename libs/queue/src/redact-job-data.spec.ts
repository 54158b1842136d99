import { REDACTED_VALUE, redactJobData } from './redact-job-data.js';

describe('redactJobData', () => {
  it('replaces values under secret-looking keys at any depth, and keeps the rest', () => {
    const data = {
      email: 'ada@example.org',
      password: 'hunter2',
      nested: { resetToken: 'abc', smtp_password: 'p', 'x-api-key': 'k', list: [{ clientSecret: 's', keep: 1 }] },
      code: '123456',
      sessionId: 'sid',
      outboxId: '6c1d',
      keyboard: 'qwerty',
      passwordHash: 'h',
      footprint: 3,
    };
    expect(redactJobData(data)).toEqual({
      email: 'ada@example.org',
      password: REDACTED_VALUE,
      nested: { resetToken: REDACTED_VALUE, smtp_password: REDACTED_VALUE, 'x-api-key': REDACTED_VALUE, list: [{ clientSecret: REDACTED_VALUE, keep: 1 }] },
      code: REDACTED_VALUE,
      sessionId: REDACTED_VALUE,
      outboxId: '6c1d',
      keyboard: 'qwerty',
      passwordHash: REDACTED_VALUE,
      footprint: 3,
    });
  });

  it('redacts secrets in URL query strings, and leaves other text alone', () => {
    expect(redactJobData({ link: 'https://app.example.org/reset-password?token=live&x=1' })).toEqual({
      link: 'https://app.example.org/reset-password?token=[REDACTED]&x=1',
    });
    expect(redactJobData('issue #5? yes')).toBe('issue #5? yes');
    expect(redactJobData([1, null, true])).toEqual([1, null, true]);
  });

  it('does not recurse without end', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 50; i++) {
      deep = { deep };
    }
    expect(JSON.stringify(redactJobData(deep))).toContain(REDACTED_VALUE);
  });
});
