import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { PingProcessor } from './ping.processor.js';
import { QueueWorkers } from './queue-workers.service.js';

/** Imported by the worker app only: runs the processors of every `@JobProcessor` provider. */
@Module({
  imports: [DiscoveryModule],
  providers: [QueueWorkers, PingProcessor],
  exports: [QueueWorkers],
})
export class QueueWorkerModule {}
