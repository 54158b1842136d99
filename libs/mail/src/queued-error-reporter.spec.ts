import { jest } from '@jest/globals';
import type { AppConfig } from '@app/config';
import type { JobQueue } from '@app/queue';
import { QueuedErrorReporter } from './queued-error-reporter.js';

function reporterWith(mail: Partial<AppConfig['mail']>, enqueue = jest.fn(() => Promise.resolve('1'))) {
  const config = { mail: { adminEmails: ['ops@example.org'], errorMails: { enabled: true, windowMs: 60_000 }, ...mail } } as unknown as AppConfig;
  return { reporter: new QueuedErrorReporter(config, { enqueue } as unknown as JobQueue), enqueue };
}

describe('QueuedErrorReporter', () => {
  it('queues a scrubbed report, deduplicated by fingerprint for the window', () => {
    const { reporter, enqueue } = reporterWith({});
    reporter.report({ error: new Error('token=abcdef failed'), source: 'job', jobName: 'mail.send', jobId: '7', attempts: 5 });
    expect(enqueue).toHaveBeenCalledTimes(1);
    const [name, payload, options] = enqueue.mock.calls[0] as unknown as [string, { fingerprint: string; message: string }, unknown];
    expect(name).toBe('errors.report');
    expect(payload.message).toBe('token=[redacted] failed');
    expect(options).toEqual({ deduplication: { id: payload.fingerprint, ttl: 60_000 } });
  });

  it('does nothing when error mails are off or nobody would receive them', () => {
    for (const mail of [{ errorMails: { enabled: false, windowMs: 1 } }, { adminEmails: [] }]) {
      const { reporter, enqueue } = reporterWith(mail);
      reporter.report({ error: new Error('x'), source: 'http' });
      expect(enqueue).not.toHaveBeenCalled();
    }
  });

  it('never throws, even when the queue is down', async () => {
    const { reporter } = reporterWith({}, jest.fn(() => Promise.reject(new Error('down'))));
    expect(() => reporter.report({ error: new Error('x'), source: 'http' })).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
  });
});
