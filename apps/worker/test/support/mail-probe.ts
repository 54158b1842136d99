import { Body, Controller, Get, HttpCode, Module, Post, Req } from '@nestjs/common';
import { MailModule, MailService } from '@app/mail';
import type { Request } from 'express';

/**
 * Routes that stand in for the features that will send mail (accounts) and for a bug, so the
 * tests drive the real api: a request that sends a mail, and one that fails unexpectedly.
 */
@Controller('probe')
class MailProbeController {
  constructor(private readonly mail: MailService) {}

  @Post('mail')
  @HttpCode(202)
  async mailOne(@Body() body: { to: string; firstName: string }) {
    const id = await this.mail.send('confirm-email', body.to, {
      firstName: body.firstName,
      confirmUrl: 'http://localhost:3000/confirm?token=t0k3n',
      expiresInHours: 48,
    });
    return { id };
  }

  @Get('boom/:thing')
  boom(@Req() req: Request): never {
    // A bug whose message carries a secret, as real ones sometimes do.
    throw new TypeError(`cannot render ${req.params.thing}: password=hunter2 token=${'x'.repeat(40)}`);
  }

  @Get('kaboom')
  kaboom(): never {
    throw new RangeError('another bug');
  }
}

@Module({ imports: [MailModule], controllers: [MailProbeController] })
export class MailProbeModule {}
