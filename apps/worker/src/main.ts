import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { closeOnSignals, exitOnStartupError } from '@app/core';
import { createWorkerApp } from './create-worker-app.js';

try {
  const app = await createWorkerApp();
  const { worker } = app.get(AppConfig);
  // Our own drain (QueueWorkers) gives up after the grace period; this outer bound only catches
  // a shutdown hook that hangs after it.
  closeOnSignals(app, 'Worker', worker.shutdownGraceMs + 10_000);
  await app.init();
  new Logger('Worker').log('worker ready');
} catch (error) {
  exitOnStartupError('worker', error);
}
