import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEventsRepository } from './audit-events.repository.js';
import { AuditLog } from './audit-log.service.js';
import { AUDIT_ENTITIES } from './entities.js';

/**
 * The audit trail: `AuditLog` for writing and reading it. Imported by the libs that record
 * (auth, admin) and by the api and the worker; it imports neither of them back.
 */
@Module({
  imports: [TypeOrmModule.forFeature(AUDIT_ENTITIES)],
  providers: [AuditEventsRepository, AuditLog],
  exports: [AuditLog],
})
export class AuditModule {}
