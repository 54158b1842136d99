import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { TerminusModule, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { READINESS_CHECKS, READINESS_TIMEOUT_MS, type ReadinessCheck } from './readiness.js';

export interface HealthModuleOptions {
  /** Extra readiness checks (e.g. Redis) as providers resolving to `ReadinessCheck`. */
  extraChecks?: Array<{ token: string | symbol | Function }>;
  /** Serve `/health/*` over HTTP (the api); the worker only uses the checks. */
  http?: boolean;
}

@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions = {}): DynamicModule {
    const extra = options.extraChecks ?? [];
    const checks: Provider = {
      provide: READINESS_CHECKS,
      inject: [TypeOrmHealthIndicator, ...extra.map((e) => e.token)],
      useFactory: (db: TypeOrmHealthIndicator, ...others: ReadinessCheck[]): ReadinessCheck[] => [
        { name: 'database', check: () => db.pingCheck('database').withTimeout(READINESS_TIMEOUT_MS) },
        ...others,
      ],
    };
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false })],
      controllers: options.http === false ? [] : [HealthController],
      providers: [checks],
      exports: [READINESS_CHECKS],
    };
  }
}
