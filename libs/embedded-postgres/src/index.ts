export {
  embeddedPostgresStatus,
  ensureEmbeddedPostgres,
  resetEmbeddedPostgres,
  stopEmbeddedPostgres,
  type EmbeddedPostgresConnection,
  type EmbeddedPostgresStatus,
  type EnsureEmbeddedPostgresOptions,
} from './embedded-postgres.js';
