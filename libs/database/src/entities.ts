import { OutboxMail } from '@app/mail';

/**
 * Every TypeORM entity of the application, for the migration CLI (the apps themselves load
 * entities through `TypeOrmModule.forFeature`). Add a feature's entities here when you create them.
 */
export const ENTITIES: Function[] = [OutboxMail];
