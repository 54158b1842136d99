import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { AppConfigOptions } from '@app/config';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './worker.module.js';

export async function createWorkerApp(options: AppConfigOptions = {}): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(options), {
    // pino takes over right after creation; until then stay quiet so that a startup failure
    // is reported once, by exitOnStartupError, rather than twice.
    logger: false,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  return app;
}
