import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule, type Type } from '@nestjs/common';
import type { AppConfigOptions } from '@app/config';
import { CoreModule } from '@app/core';
import { ErrorsModule } from '@app/errors';
import { SessionHttpModule, SessionMiddleware } from '@app/session-http';
import { AuthModule, SessionPrincipalMiddleware } from '@app/auth';
import { AuditContextMiddleware } from '@app/audit';
import { AccountsModule } from './accounts/accounts.module.js';
import { SecondFactorPagesModule } from './accounts/second-factor-pages.module.js';
import { HealthEndpointsModule } from './health/health-endpoints.module.js';
import { MetricsEndpointsModule } from './metrics/metrics-endpoints.module.js';
import { AdminPagesModule } from './admin/admin-pages.module.js';
import { JsonApiModule } from './api/api.module.js';
import { WebModule } from './web/web.module.js';

/**
 * Sessions only where pages need them: health probes and the API-key authenticated /api routes
 * never touch the session store (static files are served before Nest entirely).
 */
export function applyToPages(consumer: MiddlewareConsumer, ...middleware: Type[]): void {
  consumer
    .apply(...middleware)
    .exclude('health', 'health/{*path}', 'api', 'api/{*path}', 'metrics')
    .forRoutes('{*path}');
}

/** Composition root of the HTTP app: the shared core plus everything that speaks HTTP. */
@Module({})
export class ApiModule implements NestModule {
  /** The session first, then who it belongs to (pages only). */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AuditContextMiddleware).forRoutes('{*path}'); // every route, /api too: what audit rows read
    applyToPages(consumer, SessionMiddleware, SessionPrincipalMiddleware);
  }

  static forRoot(options: AppConfigOptions = {}): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot(options),
        ErrorsModule,
        HealthEndpointsModule,
        MetricsEndpointsModule,
        SessionHttpModule,
        AuthModule,
        WebModule,
        AccountsModule,
        SecondFactorPagesModule,
        AdminPagesModule,
        JsonApiModule,
      ],
    };
  }
}
