import 'reflect-metadata';
import { exitOnStartupError } from '@app/core';
import { AppError } from '@app/errors';
import { CommandFactory } from 'nest-commander';
import { CliModule } from './cli.module.js';

/**
 * `npm run cli -- <command>`. Exit codes: 0 done, 1 the command failed (message on stderr),
 * 2 bad arguments (unknown command or option, missing or invalid argument): never a stack trace
 * for something the user typed.
 */
try {
  await CommandFactory.run(CliModule.forRoot(), {
    cliName: 'npm run cli --',
    logger: ['error', 'warn'],
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
