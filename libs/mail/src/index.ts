export { fingerprintOf, scrubSecrets, toErrorReport } from './error-report.js';
export { MailModule, MailProcessorsModule } from './mail.module.js';
export { MailRenderer, mailTemplatesDir, type RenderedMail } from './mail-renderer.js';
export { isMailTemplate, MAIL_SUBJECTS, MAIL_TEMPLATE_NAMES, type MailTemplateName, type MailTemplates } from './mail-templates.js';
export { MailTransport, OutboxOnlyTransport, SmtpMailTransport, type OutgoingMail } from './mail-transport.js';
export { MailService, type SendOptions } from './mail.service.js';
export { MAIL_ENTITIES } from './entities.js';
export { OUTBOX_STATUSES, OutboxMail, type OutboxStatus } from './outbox.entity.js';
export { OutboxRepository } from './outbox.repository.js';
