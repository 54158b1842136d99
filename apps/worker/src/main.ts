import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { closeOnSignals, exitOnStartupError } from '@app/core';
import { createWorkerApp } from './create-worker-app.js';

try {
  const app = await createWorkerApp();
  closeOnSignals(app, 'Worker');
  await app.init();
  new Logger('Worker').log('worker ready');
} catch (error) {
  exitOnStartupError('worker', error);
}
