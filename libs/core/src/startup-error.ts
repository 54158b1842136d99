import { ConfigValidationError } from '@app/config';

/**
 * Prints why an app could not start, once and readably, then exits non-zero. A configuration
 * problem is the user's to fix, so it is shown without a stack trace; so is any error that lists
 * its `problems` (e.g. the worker's check that every job has exactly one processor).
 */
export function exitOnStartupError(appName: string, error: unknown): never {
  const listsProblems = error instanceof Error && Array.isArray((error as { problems?: unknown }).problems);
  if (error instanceof ConfigValidationError || listsProblems) {
    process.stderr.write(`\n${appName} cannot start. ${error.message}\n\n`);
  } else {
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`\n${appName} failed to start: ${detail}\n\n`);
  }
  process.exit(1);
}
