import type { DynamicModule, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { ApiModule } from '../../src/api.module.js';
import { prepareApiApp } from '../../src/create-api-app.js';

export interface ApiHarnessOptions {
  env: Record<string, string | undefined>;
  /** Extra modules for probes a test needs (e.g. a route that validates a DTO). */
  imports?: Array<Type | DynamicModule>;
}

/** The real api, configured exactly as `main.ts` does, minus the listening socket. */
export async function startApi({ env, imports = [] }: ApiHarnessOptions): Promise<NestExpressApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [ApiModule.forRoot({ env }), ...imports] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  prepareApiApp(app);
  await app.init();
  return app;
}
