import { Module } from '@nestjs/common';
import { HomeController } from './home.controller.js';
import { StatusController } from './status.controller.js';
import { SystemStatusService } from './system-status.service.js';

/** Server-rendered pages that belong to no feature of their own. */
@Module({
  controllers: [HomeController, StatusController],
  providers: [SystemStatusService],
})
export class WebModule {}
