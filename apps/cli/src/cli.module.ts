import { type DynamicModule, Injectable, Module, type Type } from '@nestjs/common';
import { AppConfigModule, type AppConfigOptions } from '@app/config';
import { ENTITIES } from '@app/core';
import { DatabaseModule } from '@app/database';
import { MailModule } from '@app/mail';
import { QueueModule } from '@app/queue';
import { InjectCommander } from 'nest-commander';
import { AccountsCoreModule } from '@app/auth';
import { AuditModule } from '@app/audit';
import { SessionStoreModule } from '@app/session';
import {
  RolesAddCommand,
  UsersAddCommand,
  UsersDisableCommand,
  UsersResetPasswordCommand,
  UsersRevokeSessionsCommand,
} from './commands/accounts.commands.js';
import { JobsFailedCommand, JobsRetryCommand, QueuePingCommand } from './commands/jobs.commands.js';
import { MailOutboxCommand, MailPreviewCommand, MailTestCommand } from './commands/mail.commands.js';

/** commander's own outcomes that are not errors. */
const OK_CODES = new Set(['commander.helpDisplayed', 'commander.version']);

interface CommanderCommand {
  exitOverride(handler: (error: { code: string }) => void): unknown;
  addCommand(command: CommanderCommand, options?: unknown): unknown;
}

/**
 * Bad arguments exit 2, whichever command they reach; commander has already printed its one-line
 * message ("error: unknown option '--x'"). nest-commander builds each command as a separate
 * commander instance and `addCommand`s it (which copies no settings), and applies its own
 * `errorHandler` option to the root only, so the exit code is set on every command as it is added.
 */
@Injectable()
class UsageExitCode {
  constructor(@InjectCommander() root: CommanderCommand) {
    const handler = (error: { code: string }) => process.exit(OK_CODES.has(error.code) ? 0 : 2);
    const apply = (command: CommanderCommand) => {
      command.exitOverride(handler);
      const add = command.addCommand.bind(command);
      command.addCommand = (child, options) => add(apply(child), options);
      return command;
    };
    apply(root);
  }
}

/** The commands this app defines itself: queue and mail operations. */
@Module({
  imports: [QueueModule, MailModule, AuditModule],
  providers: [MailTestCommand, MailOutboxCommand, MailPreviewCommand, JobsFailedCommand, JobsRetryCommand, QueuePingCommand],
})
class OpsCommandsModule {}

/**
 * Account administration. Needs the session store too, to end sessions (Redis when configured,
 * else the file store, exactly as the api uses them).
 */
@Module({
  imports: [SessionStoreModule, AccountsCoreModule, AuditModule],
  providers: [UsersAddCommand, RolesAddCommand, UsersResetPasswordCommand, UsersRevokeSessionsCommand, UsersDisableCommand],
})
class AccountsCommandsModule {}

/**
 * Where commands come from. Each entry is a module whose providers include `@Command` classes
 * (nest-commander finds them in the whole app); add a module here to add commands.
 */
export const COMMAND_MODULES: Array<Type | DynamicModule> = [OpsCommandsModule, AccountsCommandsModule];

/**
 * The CLI's composition: the shared services without HTTP, sessions (so no request-path Redis
 * connection) or the pino request logger (a command's stdout is its output), plus the command
 * modules.
 */
@Module({})
export class CliModule {
  static forRoot(options: AppConfigOptions = {}): DynamicModule {
    return {
      module: CliModule,
      imports: [
        AppConfigModule.forRoot(options),
        DatabaseModule.forRoot(ENTITIES),
        QueueModule,
        MailModule,
        ...COMMAND_MODULES,
      ],
      providers: [UsageExitCode],
    };
  }
}
