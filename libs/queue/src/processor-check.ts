import type { JobName } from './job-registry.js';

export interface FoundProcessor {
  readonly job: string;
  readonly provider: string;
}

/** Thrown at worker boot; the message names every job at fault. */
export class ProcessorRegistrationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Job processors do not match the job registry:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ProcessorRegistrationError';
  }
}

/**
 * Every registered job name needs exactly one processor: none means its jobs would wait forever,
 * two means one of them silently never runs (or both race). A processor for a name the registry
 * does not know is a typo.
 */
export function checkProcessors(registered: readonly JobName[], found: readonly FoundProcessor[]): void {
  const problems: string[] = [];
  for (const job of registered) {
    const mine = found.filter((f) => f.job === job);
    if (mine.length === 0) {
      problems.push(`job "${job}" has no processor`);
    } else if (mine.length > 1) {
      problems.push(`job "${job}" has ${mine.length} processors: ${mine.map((f) => f.provider).join(', ')}`);
    }
  }
  for (const f of found) {
    if (!(registered as readonly string[]).includes(f.job)) {
      problems.push(`${f.provider} processes "${f.job}", which is not in the job registry`);
    }
  }
  if (problems.length > 0) {
    throw new ProcessorRegistrationError(problems);
  }
}
