import { checkProcessors, ProcessorRegistrationError } from './processor-check.js';
import { JOB_NAMES } from './job-registry.js';

describe('checkProcessors', () => {
  const all = JOB_NAMES.map((job) => ({ job, provider: `${job}-processor` }));

  it('accepts exactly one processor per job', () => {
    expect(() => checkProcessors(JOB_NAMES, all)).not.toThrow();
  });

  it('names a job without a processor, one with two, and a processor for an unknown job', () => {
    const found = [
      ...all.filter((f) => f.job !== 'sessions.reap'),
      { job: 'mail.send', provider: 'OtherMailProcessor' },
      { job: 'mail.sned', provider: 'TypoProcessor' },
    ];
    let error: unknown;
    try {
      checkProcessors(JOB_NAMES, found);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProcessorRegistrationError);
    expect((error as ProcessorRegistrationError).problems).toEqual([
      'job "mail.send" has 2 processors: mail.send-processor, OtherMailProcessor',
      'job "sessions.reap" has no processor',
      'TypoProcessor processes "mail.sned", which is not in the job registry',
    ]);
  });
});
