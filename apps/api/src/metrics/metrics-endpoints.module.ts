import { Module } from '@nestjs/common';
import { MetricsModule } from '@app/metrics';
import { MetricsController } from './metrics.controller.js';

/** The METRICS_PORT listener, and `/metrics` on the site behind METRICS_TOKEN. */
@Module({
  imports: [MetricsModule],
  controllers: [MetricsController],
})
export class MetricsEndpointsModule {}
