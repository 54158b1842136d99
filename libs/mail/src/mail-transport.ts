import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';

export interface OutgoingMail {
  /** Stable per outbox row, so a resend after a crash carries the same Message-ID. */
  messageId: string;
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
}

/**
 * Port: where rendered mail goes. `deliver` resolves once the receiving side has accepted the mail
 * (or, for the outbox-only transport, at once) and rejects with the server's reason otherwise.
 */
export abstract class MailTransport {
  /** Recorded in the outbox row: `smtp`, or `outbox` when the mail went nowhere else. */
  abstract readonly kind: 'smtp' | 'outbox';
  /** Resolves with the Message-ID the server accepted (null when nothing was sent). */
  abstract deliver(mail: OutgoingMail): Promise<string | null>;
}

/** nodemailer over SMTP (SMTP_URL, or SMTP_HOST and friends), pooled connections. */
export class SmtpMailTransport extends MailTransport implements OnApplicationShutdown {
  readonly kind = 'smtp' as const;
  private readonly transporter: Transporter;

  constructor(config: AppConfig) {
    super();
    const smtp = config.mail.smtp!;
    const timeouts = {
      connectionTimeout: config.mail.timeoutMs,
      greetingTimeout: config.mail.timeoutMs,
      socketTimeout: config.mail.timeoutMs * 3,
    };
    const pool = { pool: true, maxConnections: Math.min(config.worker.concurrency, 5) };
    const server =
      'url' in smtp
        ? { url: smtp.url }
        : { host: smtp.host, port: smtp.port, secure: smtp.secure, auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined };
    // `url` is parsed by nodemailer's SMTP transports; the typings only list the split form.
    this.transporter = nodemailer.createTransport({ ...pool, ...timeouts, ...server } as Parameters<typeof nodemailer.createTransport>[0]);
  }

  async deliver(mail: OutgoingMail): Promise<string> {
    const info = (await this.transporter.sendMail(mail)) as { messageId: string };
    return info.messageId;
  }

  onApplicationShutdown(): void {
    this.transporter.close();
  }
}

/**
 * No SMTP configured (local development): the mail stays in the outbox table, where the rendered
 * subject and bodies can be read, and the log says so.
 */
export class OutboxOnlyTransport extends MailTransport {
  readonly kind = 'outbox' as const;
  private readonly logger = new Logger('Mail');

  deliver(mail: OutgoingMail): Promise<null> {
    this.logger.log(
      `no SMTP configured: mail "${mail.subject}" to ${mail.to} is in the outbox only; read it with ` +
        `\`npm run cli -- mail:outbox\` or SELECT subject, text_body FROM mail_outbox ORDER BY created_at DESC`,
    );
    return Promise.resolve(null);
  }
}

@Injectable()
export class MailTransportFactory {
  static create(config: AppConfig): MailTransport {
    return config.mail.smtp ? new SmtpMailTransport(config) : new OutboxOnlyTransport();
  }
}
