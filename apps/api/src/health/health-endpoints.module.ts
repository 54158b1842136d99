import { Module } from '@nestjs/common';
import { HealthModule } from '@app/health';
import { REDIS_READINESS, RedisModule } from '@app/redis';
import { HealthController } from './health.controller.js';

/** `/health/live` and `/health/ready` over the checks of the database and (when configured) Redis. */
@Module({
  imports: [HealthModule.forRoot({ imports: [RedisModule], extraChecks: [REDIS_READINESS] })],
  controllers: [HealthController],
})
export class HealthEndpointsModule {}
