import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule, type Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { AppConfigOptions } from '@app/config';
import { CoreModule } from '@app/core';
import { ErrorsModule } from '@app/errors';
import { SessionHttpModule, SessionMiddleware } from '@app/session-http';
import { applyToPages } from '../../src/api.module.js';
import { configureHttp } from '../../src/http-setup.js';
import { HealthEndpointsModule } from '../../src/health/health-endpoints.module.js';
import { WebModule } from '../../src/web/web.module.js';
import { SessionProbeModule } from './session-probe.js';

/**
 * The api's HTTP stack with the session modules and the plain pages, but nothing of accounts: the session lib's e2e
 * tests drive it with made-up user ids through the probe routes, which the accounts layer
 * (real users, CSRF, access guard) would rightly refuse.
 */
@Module({})
class SessionOnlyModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    applyToPages(consumer, SessionMiddleware);
  }

  static forRoot(options: AppConfigOptions, extra: Array<Type | DynamicModule>): DynamicModule {
    return {
      module: SessionOnlyModule,
      imports: [
        CoreModule.forRoot(options),
        ErrorsModule,
        HealthEndpointsModule,
        SessionHttpModule,
        WebModule,
        SessionProbeModule,
        ...extra,
      ],
    };
  }
}

/** `imports`: more probe modules (the worker's tests add routes that send mail and fail on purpose). */
export async function startSessionApp({
  env,
  imports = [],
}: {
  env: Record<string, string | undefined>;
  imports?: Array<Type | DynamicModule>;
}): Promise<NestExpressApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [SessionOnlyModule.forRoot({ env }, imports)] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  configureHttp(app);
  await app.init();
  return app;
}
