import { Module } from '@nestjs/common';
import { MetricsServer } from './metrics-server.js';

/** The METRICS_PORT listener; the api and the worker import it (the CLI does not: it would take the port). */
@Module({
  providers: [MetricsServer],
  exports: [MetricsServer],
})
export class MetricsModule {}
