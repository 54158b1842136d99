import { Module } from '@nestjs/common';
import { HealthModule } from '@app/health';
import { REDIS_READINESS, RedisModule } from '@app/redis';
import { ApiDrain } from './api-drain.js';
import { HealthController } from './health.controller.js';

/**
 * `/health/live` and `/health/ready` over the checks of the database and (when configured) Redis,
 * and the drain on shutdown that turns readiness to 503 first.
 */
@Module({
  imports: [HealthModule.forRoot({ imports: [RedisModule], extraChecks: [REDIS_READINESS] })],
  controllers: [HealthController],
  providers: [ApiDrain],
  exports: [ApiDrain],
})
export class HealthEndpointsModule {}
