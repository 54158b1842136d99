import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import { TerminusModule, TypeOrmHealthIndicator } from '@nestjs/terminus';
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
      inject: [TypeOrmHealthIndicator, ...extra],
      useFactory: (db: TypeOrmHealthIndicator, ...others: Array<ReadinessCheck | null>): ReadinessCheck[] => [
        { name: 'database', check: () => db.pingCheck('database').withTimeout(READINESS_TIMEOUT_MS) },
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
