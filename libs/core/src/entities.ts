import { AUDIT_ENTITIES } from '@app/audit';
import { AUTH_ENTITIES } from '@app/auth';
import { MAIL_ENTITIES } from '@app/mail';

/**
 * Every TypeORM entity of the application, the one list both the apps and the migration CLI
 * load. The apps load nothing else (no `autoLoadEntities`), so an entity left out of it fails
 * the first test that touches it instead of silently dropping out of generated migrations; a
 * unit test also checks that every `@Entity` class of the libs is here. A new lib with tables
 * exports `<LIB>_ENTITIES` and is added below.
 */
export const ENTITIES: Function[] = [...AUTH_ENTITIES, ...MAIL_ENTITIES, ...AUDIT_ENTITIES];
