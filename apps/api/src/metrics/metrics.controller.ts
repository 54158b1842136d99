import { Controller, Get, Headers, NotFoundException, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '@app/auth';
import { AppConfig } from '@app/config';
import { bearerMatches, scrape } from '@app/metrics';

/**
 * `/metrics` on the public port, for a Prometheus that can only reach the site. It exists only
 * with METRICS_TOKEN set and the right bearer token; anything else is the site's ordinary 404,
 * so the path does not even reveal that metrics are there (nor does the OpenAPI document).
 * METRICS_PORT is the other way in.
 */
@ApiExcludeController()
@Public()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  async metrics(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) res: Response): Promise<string> {
    const token = this.config.metrics.token;
    if (!token || !bearerMatches(authorization, token)) {
      throw new NotFoundException();
    }
    const { contentType, body } = await scrape();
    res.setHeader('Content-Type', contentType);
    res.setHeader('Cache-Control', 'no-store');
    return body;
  }
}
