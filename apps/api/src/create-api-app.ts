import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfigOptions } from '@app/config';
import { ApiModule } from './api.module.js';
import { setupApiDocs } from './api/api-docs.js';
import { configureHttp } from './http-setup.js';

/** Builds the configured api without listening: `main.ts` listens, tests use supertest. */
export async function createApiApp(options: AppConfigOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(options), {
    // pino takes over right after creation; until then stay quiet so that a startup failure
    // is reported once, by exitOnStartupError, rather than twice.
    logger: false,
    // Rethrow instead of process.abort(), so a bad config prints its message and exits 1.
    abortOnError: false,
  });
  prepareApiApp(app);
  return app;
}

/** What wraps Nest's router in every api, the real one and the one tests build. */
export function prepareApiApp(app: NestExpressApplication): void {
  configureHttp(app);
  setupApiDocs(app);
}
