import { AuditEvent } from './audit-event.entity.js';

/** The audit lib's tables; `ENTITIES` in libs/core lists every lib's. */
export const AUDIT_ENTITIES = [AuditEvent];
