import { Module } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { ApiController } from './api.controller.js';

/** The JSON API under /api (API-key authenticated; documented at /api/docs). */
@Module({
  imports: [AuthModule],
  controllers: [ApiController],
})
export class JsonApiModule {}
