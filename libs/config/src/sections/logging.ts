import { Transform } from 'class-transformer';
import { IsBoolean, IsIn } from 'class-validator';
import { toBool } from './parse.js';
import { defineSection } from './section.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class LoggingVariables {
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel;

  @Transform(toBool)
  @IsBoolean()
  LOG_PRETTY: boolean;
}

export interface LogConfig {
  readonly level: LogLevel;
  readonly pretty: boolean;
}

export const logging = defineSection({
  schema: LoggingVariables,
  defaults: {
    development: { LOG_LEVEL: 'info', LOG_PRETTY: 'true' },
    test: { LOG_LEVEL: 'warn', LOG_PRETTY: 'false' },
    production: { LOG_LEVEL: 'info', LOG_PRETTY: 'false' },
  },
  build: (env: LoggingVariables): LogConfig => ({ level: env.LOG_LEVEL, pretty: env.LOG_PRETTY }),
});
