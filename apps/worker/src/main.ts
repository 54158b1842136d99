import 'reflect-metadata';
import { exitOnStartupError } from '@app/core';
import { createWorkerApp } from './create-worker-app.js';

try {
  const app = await createWorkerApp();
  await app.init();
} catch (error) {
  exitOnStartupError('worker', error);
}
