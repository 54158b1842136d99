import { AppConfig } from '@app/config';
import { MailService, OutboxRepository } from '@app/mail';
import { Command, CommandRunner, Option } from 'nest-commander';
import { positiveInt, print, table, usageError } from '../cli-output.js';

const ADDRESS = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/;

@Command({
  name: 'mail:test',
  arguments: '<to>',
  description: 'Queue a test mail to <to>; the worker sends it (use --wait to see it go out)',
})
export class MailTestCommand extends CommandRunner {
  constructor(
    private readonly mail: MailService,
    private readonly outbox: OutboxRepository,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async run([to]: string[], options: { wait?: boolean; timeout?: number }): Promise<void> {
    if (!ADDRESS.test(to)) {
      throw usageError(`"${to}" is not an email address`);
    }
    const id = await this.mail.send('test', to, { requestedAt: new Date().toISOString() });
    print(`queued test mail ${id} to ${to}`);
    if (!this.config.mail.smtp) {
      print('no SMTP configured: the worker will write it to the outbox only (see mail:outbox)');
    }
    if (!options.wait) {
      return;
    }
    const deadline = Date.now() + (options.timeout ?? 30) * 1000;
    for (;;) {
      const row = await this.outbox.findById(id);
      if (row?.status === 'sent') {
        print(`sent via ${row.transport}${row.messageId ? ` as ${row.messageId}` : ''}`);
        return;
      }
      if (row?.status === 'failed') {
        throw new Error(`not sent: ${row.lastError ?? 'unknown error'}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`still ${row?.status ?? 'missing'} after ${options.timeout ?? 30} s${row?.lastError ? ` (last error: ${row.lastError})` : ''}: is a worker running?`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  @Option({ flags: '--wait', description: 'wait until the worker has sent it (or it failed)' })
  parseWait(): boolean {
    return true;
  }

  @Option({ flags: '--timeout <seconds>', description: 'how long --wait waits (default 30)' })
  parseTimeout(value: string): number {
    return positiveInt('--timeout', value);
  }
}

@Command({ name: 'mail:outbox', description: 'List the most recent mails in the outbox' })
export class MailOutboxCommand extends CommandRunner {
  constructor(private readonly outbox: OutboxRepository) {
    super();
  }

  async run(_args: string[], options: { limit?: number }): Promise<void> {
    const rows = await this.outbox.listRecent(options.limit ?? 20);
    print(
      table(
        rows.map((r) => ({
          id: r.id,
          created: r.createdAt.toISOString(),
          status: r.status,
          attempts: r.attempts,
          to: r.recipient,
          subject: r.subject || `(${r.template})`,
          error: (r.lastError ?? '').slice(0, 60),
        })),
        ['id', 'created', 'status', 'attempts', 'to', 'subject', 'error'],
      ),
    );
  }

  @Option({ flags: '-n, --limit <count>', description: 'how many (default 20)' })
  parseLimit(value: string): number {
    return positiveInt('--limit', value);
  }
}
