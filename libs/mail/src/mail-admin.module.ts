import { Module } from '@nestjs/common';
import { QueueModule } from '@app/queue';
import { MailRenderer } from './mail-renderer.js';
import { MailModule } from './mail.module.js';
import { OutboxAdmin } from './outbox-admin.service.js';

/**
 * The admin panel's mail services, for the api: the outbox and template previews. It renders
 * (previews only; real mail is rendered by the worker), so it brings its own MailRenderer.
 */
@Module({
  imports: [MailModule, QueueModule],
  providers: [MailRenderer, OutboxAdmin],
  exports: [OutboxAdmin],
})
export class MailAdminModule {}
