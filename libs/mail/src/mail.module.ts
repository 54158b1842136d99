import { Module } from '@nestjs/common';
import { QueueModule } from '@app/queue';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@app/config';
import { ErrorReporter } from '@app/errors';
import { ErrorReportProcessor } from './error-report.processor.js';
import { MailProcessor } from './mail.processor.js';
import { MailRenderer } from './mail-renderer.js';
import { MailTransport, MailTransportFactory } from './mail-transport.js';
import { MailService } from './mail.service.js';
import { OutboxPruneProcessor } from './outbox-prune.processor.js';
import { MAIL_ENTITIES } from './entities.js';
import { OutboxRepository } from './outbox.repository.js';
import { QueuedErrorReporter } from './queued-error-reporter.js';

/**
 * Mail for every app: `MailService` (outbox row + job) and the ErrorReporter binding (found by
 * ErrorReporterLookup in libs/errors and libs/queue). Import it where MailService is used.
 */
@Module({
  imports: [TypeOrmModule.forFeature(MAIL_ENTITIES), QueueModule],
  providers: [OutboxRepository, MailService, { provide: ErrorReporter, useClass: QueuedErrorReporter }],
  exports: [MailService, OutboxRepository, ErrorReporter],
})
export class MailModule {}

/** The worker's half: rendering, the SMTP transport and the mail job processors. */
@Module({
  imports: [MailModule],
  providers: [
    MailRenderer,
    { provide: MailTransport, inject: [AppConfig], useFactory: (config: AppConfig) => MailTransportFactory.create(config) },
    MailProcessor,
    ErrorReportProcessor,
    OutboxPruneProcessor,
  ],
  exports: [MailRenderer],
})
export class MailProcessorsModule {}
