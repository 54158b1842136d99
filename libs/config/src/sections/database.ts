import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { isProduction, type NodeEnvVariables } from './node-env.js';
import { toBool, toInt } from './parse.js';
import { defineSection, type Defaults } from './section.js';
import { Secret } from './secret.js';

export class DatabaseVariables {
  /**
   * Unset outside production: the entry points' `prepareEnvironment()` starts (or attaches to) the
   * project's embedded PostgreSQL in `.data/postgres` and fills it in before validation.
   */
  @Secret()
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// connection URL' })
  DATABASE_URL?: string;

  @Transform(toInt)
  @Min(1)
  @Max(200)
  @IsInt()
  DATABASE_POOL_SIZE: number;

  @Transform(toBool)
  @IsBoolean()
  DATABASE_RUN_MIGRATIONS: boolean;

  @Transform(toInt)
  @Min(100)
  @Max(60000)
  @IsInt()
  DATABASE_CONNECT_TIMEOUT_MS: number;

  @Transform(toInt)
  @Min(100)
  @Max(600000)
  @IsInt()
  DATABASE_STATEMENT_TIMEOUT_MS: number;
}

export interface DatabaseConfig {
  readonly url: string;
  readonly poolSize: number;
  readonly runMigrations: boolean;
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
}

const TUNING: Defaults<DatabaseVariables> = {
  DATABASE_POOL_SIZE: '10',
  DATABASE_CONNECT_TIMEOUT_MS: '3000',
  DATABASE_STATEMENT_TIMEOUT_MS: '15000',
};
const LOCAL: Defaults<DatabaseVariables> = { ...TUNING, DATABASE_RUN_MIGRATIONS: 'true' };

type Env = DatabaseVariables & NodeEnvVariables;

function check(env: Env): string[] {
  if (env.DATABASE_URL) {
    return [];
  }
  // Production never falls back to a database of its own: a forgotten URL must stop the app.
  return isProduction(env)
    ? ['DATABASE_URL is required']
    : ['DATABASE_URL is unset and no embedded PostgreSQL was prepared (entry points call prepareEnvironment() from @app/config before validating)'];
}

export const database = defineSection({
  schema: DatabaseVariables,
  defaults: {
    development: LOCAL,
    test: LOCAL,
    // Migrations run as a release step in production (`npm run migration:run`), not at every start.
    production: { ...TUNING, DATABASE_RUN_MIGRATIONS: 'false' },
  },
  check,
  build: (env: Env): DatabaseConfig => ({
    // Present whenever the checks passed (see check above).
    url: env.DATABASE_URL ?? '',
    poolSize: env.DATABASE_POOL_SIZE,
    runMigrations: env.DATABASE_RUN_MIGRATIONS,
    connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
  }),
});
