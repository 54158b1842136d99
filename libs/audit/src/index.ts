export { AUDIT_ACTIONS, AUDIT_TARGET_TYPES, type AuditAction, type AuditTargetType, isAuditAction } from './audit-actions.js';
export { AuditContextMiddleware } from './audit-context.js';
export type { AuditFilter, AuditListItem } from './audit-events.repository.js';
export { type AuditDetails, AuditLog, type AuditPage, type AuditRecord, AuditUnavailableError } from './audit-log.service.js';
export { AuditModule } from './audit.module.js';
export { AUDIT_ENTITIES } from './entities.js';
