export { MailModule, MailProcessorsModule } from './mail.module.js';
export { MailService } from './mail.service.js';
export { MAIL_ENTITIES } from './entities.js';
export { OutboxRepository } from './outbox.repository.js';
export { MailRenderer, type RenderedMail } from './mail-renderer.js';
export { MAIL_SAMPLES } from './mail-samples.js';
export { MAIL_SUBJECTS, MAIL_TEMPLATE_NAMES, isMailTemplate, type MailTemplateName } from './mail-templates.js';
