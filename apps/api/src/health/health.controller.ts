import { Controller, Get, HttpStatus, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '@app/auth';
import { READINESS_CHECKS, type ReadinessCheck } from '@app/health';
import { ApiDrain } from './api-drain.js';

/**
 * `/health/live`: the process answers (restart it if not).
 * `/health/ready`: every dependency answers (send it traffic only if so); 503 otherwise, with
 * the failing dependency named in the body so the outage is visible from outside, and 503 from
 * SIGTERM on (ApiDrain), while the api still serves, so a load balancer stops sending first.
 */
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    private readonly drain: ApiDrain,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    if (this.drain.draining) {
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      return { status: 'shutting_down' };
    }
    try {
      return await this.health.check(this.checks.map((c) => c.check));
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        res.status(HttpStatus.SERVICE_UNAVAILABLE);
        return error.getResponse();
      }
      throw error;
    }
  }
}
