import { AppConfig, processEnv } from '@app/config';
import { isMailTemplate, MAIL_SAMPLES, MAIL_SUBJECTS, MAIL_TEMPLATE_NAMES, MailRenderer, type MailTemplateName, MailService, OutboxRepository } from '@app/mail';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
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

@Command({
  name: 'mail:preview',
  arguments: '[template]',
  description: 'Render a mail template with its sample data (MAIL_SAMPLES) and print the HTML part (--text: the text part); no template: list them',
})
export class MailPreviewCommand extends CommandRunner {
  /** The renderer the worker sends with (same templates, same layout); it renders only, so no Redis or SMTP is needed. */
  private readonly renderer: MailRenderer;

  constructor(config: AppConfig) {
    super();
    this.renderer = new MailRenderer(config);
  }

  async run([template]: string[], options: { text?: boolean; out?: string }): Promise<void> {
    if (template === undefined) {
      const subject = (name: MailTemplateName) => (MAIL_SUBJECTS[name] as (data: unknown) => string)(MAIL_SAMPLES[name]);
      print(table(MAIL_TEMPLATE_NAMES.map((name) => ({ template: name, subject: subject(name) })), ['template', 'subject']));
      return;
    }
    if (!isMailTemplate(template)) {
      throw usageError(`unknown mail template "${template}" (known: ${MAIL_TEMPLATE_NAMES.join(', ')})`);
    }
    const mail = this.renderer.render(template, MAIL_SAMPLES[template] as never);
    const part = options.text ? mail.text : mail.html;
    if (!options.out) {
      process.stdout.write(part);
      return;
    }
    // `npm run` runs the CLI in the project root; INIT_CWD is where the user typed the command.
    const file = resolve(processEnv().INIT_CWD || process.cwd(), options.out);
    await writeFile(file, part);
    print(`wrote the ${options.text ? 'text' : 'HTML'} part of ${template} to ${file}`);
  }

  @Option({ flags: '--text', description: 'the text part instead of the HTML part' })
  parseText(): boolean {
    return true;
  }

  @Option({ flags: '--out <file>', description: 'write it to <file> instead of stdout' })
  parseOut(value: string): string {
    return value;
  }
}
