import type { Queue } from 'bullmq';

/**
 * For `waitFor`: true once the job has run to completion, whether it is still listed as
 * completed or already deleted (completed jobs are, by default: QUEUE_KEEP_COMPLETED=0); never
 * true for a job that failed (failed jobs are kept). Shared by the api's and the worker's tests,
 * so neither imports the other's support code for it.
 */
export async function jobCompleted(queue: Queue, id: string): Promise<true | undefined> {
  const job = await queue.getJob(id);
  return !job || (await job.getState()) === 'completed' ? true : undefined;
}
