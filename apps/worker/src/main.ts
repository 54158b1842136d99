import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { AppConfig, prepareEnvironment } from '@app/config';
import { applyHeapGrowth, closeOnSignals, exitOnStartupError } from '@app/core';
import { createWorkerApp } from './create-worker-app.js';

try {
  // Before the config is validated and any module is built: the configuration layers (settings
  // file, .env, secret files, AWS Secrets Manager), and the embedded PostgreSQL when DATABASE_URL is unset.
  const prepared = await prepareEnvironment();
  const app = await createWorkerApp();
  const { worker, memory } = app.get(AppConfig);
  const logger = new Logger('Worker');
  prepared.layerLines.forEach((line) => logger.log(line));
  logger.log(prepared.databaseLine);
  const heapLine = applyHeapGrowth(memory.heapGrowthPercent);
  if (heapLine) {
    logger.log(heapLine);
  }
  if (prepared.embeddedDatabase?.startedHere) {
    logger.log('embedded PostgreSQL keeps running after the worker stops, for the next start; npm run db:stop stops it');
  }
  // Our own drain (QueueWorkers) gives up after the grace period; this outer bound only catches
  // a shutdown hook that hangs after it.
  closeOnSignals(app, 'Worker', worker.shutdownGraceMs + 10_000);
  await app.init();
  logger.log('worker ready');
} catch (error) {
  exitOnStartupError('worker', error);
}
