import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfigOptions } from '@app/config';
import { CoreModule } from '@app/core';
import { WorkerLifecycle } from './worker-lifecycle.js';

/** Composition root of the worker: the shared core plus job processors; no HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(options: AppConfigOptions = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CoreModule.forRoot(options)],
      providers: [WorkerLifecycle],
    };
  }
}
