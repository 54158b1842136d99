import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ErrorReporterLookup } from '@app/errors';
import { QueuePgPoolModule } from './queue-pg-pool.js';
import { QueueModule } from './queue.module.js';
import { PingProcessor } from './ping.processor.js';
import { QueueWorkers } from './queue-workers.service.js';

/** Imported by the worker app only: runs the processors of every `@JobProcessor` provider. */
@Module({
  imports: [DiscoveryModule, QueueModule, QueuePgPoolModule],
  providers: [QueueWorkers, PingProcessor, ErrorReporterLookup],
  exports: [QueueWorkers],
})
export class QueueWorkerModule {}
