import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfigOptions } from '@app/config';
import { CoreModule } from '@app/core';
import { ErrorsModule } from '@app/errors';
import { HealthModule } from '@app/health';
import { REDIS_READINESS } from '@app/redis';
import { WebModule } from './web/web.module.js';

/** Composition root of the HTTP app: the shared core plus everything that speaks HTTP. */
@Module({})
export class ApiModule {
  static forRoot(options: AppConfigOptions = {}): DynamicModule {
    return {
      module: ApiModule,
      imports: [CoreModule.forRoot(options), ErrorsModule, HealthModule.forRoot({ extraChecks: [REDIS_READINESS] }), WebModule],
    };
  }
}
