export { MailModule, MailProcessorsModule } from './mail.module.js';
export { MailService } from './mail.service.js';
export { MAIL_ENTITIES } from './entities.js';
export { OutboxRepository } from './outbox.repository.js';
