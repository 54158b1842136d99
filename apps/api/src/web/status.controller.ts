import { Controller, Get, Render } from '@nestjs/common';
import { SystemStatusService } from './system-status.service.js';
import { Public } from '@app/auth';

@Public()
@Controller('status')
export class StatusController {
  constructor(private readonly status: SystemStatusService) {}

  @Get()
  @Render('status')
  async page() {
    return { title: 'System status', status: await this.status.read() };
  }
}
