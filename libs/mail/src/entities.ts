import { OutboxMail } from './outbox.entity.js';

/** The mail lib's tables; `ENTITIES` in libs/core lists every lib's. */
export const MAIL_ENTITIES = [OutboxMail];
