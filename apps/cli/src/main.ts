import 'reflect-metadata';
import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { prepareEnvironment } from '@app/config';
import { exitOnStartupError } from '@app/core';
import { AppError } from '@app/errors';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli.module.js';

/** A command's stdout is its output (tables, ids, for scripts and grep); every log line goes to stderr. */
class StderrLogger extends ConsoleLogger {
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    _stream?: 'stdout' | 'stderr',
    errorStack?: unknown,
    params?: Record<string, unknown>,
  ): void {
    super.printMessages(messages, context, logLevel, 'stderr', errorStack, params);
  }
}

/**
 * `npm run cli -- <command>`. Exit codes: 0 done, 1 the command failed (message on stderr),
 * 2 bad arguments (unknown command or option, missing or invalid argument): never a stack trace
 * for something the user typed.
 */
try {
  // Before the config is validated and any module is built: the configuration layers (settings
  // file, .env, secret files, AWS Secrets Manager), and the embedded PostgreSQL when DATABASE_URL is unset.
  const prepared = await prepareEnvironment();
  process.stderr.write([...prepared.layerLines, prepared.databaseLine].map((line) => `${line}\n`).join(''));
  await CommandFactory.run(CliModule.forRoot(), {
    cliName: 'npm run cli --',
    logger: new StderrLogger({ logLevels: ['error', 'warn'] }),
    abortOnError: false,
    serviceErrorHandler: (error) => {
      const usage = error instanceof AppError && error.status < 500;
      process.stderr.write(`${usage ? 'error' : 'failed'}: ${error.message}\n`);
      process.exitCode = usage ? 2 : 1;
    },
  });
} catch (error) {
  exitOnStartupError('cli', error);
}
