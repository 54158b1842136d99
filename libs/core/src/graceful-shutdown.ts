import { type INestApplicationContext, Logger } from '@nestjs/common';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Replaces Nest's `enableShutdownHooks()`, which re-raises the signal after closing and so
 * makes every orderly stop look like a crash (exit 143). Here a signal closes the app (HTTP
 * server drained, shutdown hooks run, connections closed) and the process exits 0; if closing
 * takes longer than `graceMs` it exits 1 so an orchestrator sees the failed drain.
 */
/** Nest's implementation takes the signal and hands it to shutdown hooks; its interface omits it. */
type ClosableWithSignal = INestApplicationContext & { close(signal?: string): Promise<void> };

export function closeOnSignals(app: INestApplicationContext, name: string, graceMs = 25000): void {
  const logger = new Logger(name);
  let closing = false;
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      if (closing) {
        return;
      }
      closing = true;
      logger.log(`${signal} received, shutting down`);
      const timer = setTimeout(() => {
        logger.error(`shutdown did not finish within ${graceMs} ms`);
        process.exit(1);
      }, graceMs);
      timer.unref();
      (app as ClosableWithSignal).close(signal).then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        },
      );
    });
  }
}
