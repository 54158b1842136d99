import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import type { AppConfigOptions } from '@app/config';
import { CoreModule } from '@app/core';
import { ErrorsModule } from '@app/errors';
import { HealthModule } from '@app/health';
import { REDIS_READINESS } from '@app/redis';
import { SessionMiddleware, SessionModule } from '@app/session';
import { WebModule } from './web/web.module.js';

/** Composition root of the HTTP app: the shared core plus everything that speaks HTTP. */
@Module({})
export class ApiModule implements NestModule {
  /**
   * Sessions only where pages need them: health probes and the API-key authenticated /api
   * routes never touch the session store (static files are served before Nest entirely).
   */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(SessionMiddleware).exclude('health', 'health/{*path}', 'api', 'api/{*path}').forRoutes('{*path}');
  }

  static forRoot(options: AppConfigOptions = {}): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot(options),
        ErrorsModule,
        HealthModule.forRoot({ extraChecks: [REDIS_READINESS] }),
        SessionModule,
        WebModule,
      ],
    };
  }
}
