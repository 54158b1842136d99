import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { READINESS_CHECKS, READINESS_TIMEOUT_MS, type ReadinessCheck } from './readiness.js';

export interface HealthModuleOptions {
  /** Modules that provide the extra checks' tokens (e.g. RedisModule for REDIS_READINESS). */
  imports?: Array<Type | DynamicModule>;
  /** Tokens of extra readiness checks (e.g. Redis), each resolving to a `ReadinessCheck` or null. */
  extraChecks?: Array<string | symbol>;
}

/**
 * The readiness checks of every dependency the process needs, for whoever reports them: the
 * api's `/health/*` controller (apps/api/src/health) and the worker's readiness listener.
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions = {}): DynamicModule {
    const extra = options.extraChecks ?? [];
    const checks: Provider = {
      provide: READINESS_CHECKS,
      inject: [DataSource, HealthIndicatorService, ...extra],
      useFactory: (db: DataSource, indicators: HealthIndicatorService, ...others: Array<ReadinessCheck | null>): ReadinessCheck[] => [
        // Our own `SELECT 1` rather than terminus's TypeOrmHealthIndicator: that one finds
        // @nestjs/typeorm with a dynamic import() by name, which the production bundle cannot
        // resolve inside itself, so every api loaded a second copy of @nestjs/typeorm, @nestjs/core
        // and @nestjs/common from node_modules (about 400 extra modules in memory for one ping).
        {
          name: 'database',
          check: () =>
            indicators
              .check('database')
              .attempt(async () => {
                await db.query('SELECT 1');
              })
              .withTimeout(READINESS_TIMEOUT_MS),
        },
        // A lib provides null when its dependency is not configured (no REDIS_URL: no Redis check).
        ...others.filter((c): c is ReadinessCheck => c !== null),
      ],
    };
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false }), ...(options.imports ?? [])],
      providers: [checks],
      exports: [READINESS_CHECKS, TerminusModule],
    };
  }
}
