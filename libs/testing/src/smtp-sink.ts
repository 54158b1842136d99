import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  parsed: ParsedMail;
  raw: string;
}

/** Holds the next SMTP transaction at MAIL FROM until released, so a test can act mid-job. */
export interface SmtpGate {
  /** Resolves when a client reached the gate. */
  reached: Promise<void>;
  release(): void;
}

/**
 * A real SMTP server on a loopback port (the `smtp-server` package), as a mail catcher. A message
 * counts as received only once the server has accepted it (250 after DATA), like a real relay.
 */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  private server?: SMTPServer;
  private gates: Array<{ reach: () => void; released: Promise<void> }> = [];
  private waiters = new Set<() => void>();
  port = 0;

  async start(port = 0): Promise<this> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onMailFrom: (_address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) => {
        const gate = this.gates.shift();
        if (!gate) {
          callback();
          return;
        }
        gate.reach();
        void gate.released.then(() => callback());
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          void simpleParser(raw).then((parsed) => {
            this.received.push({
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              parsed,
              raw,
            });
            callback();
            this.waiters.forEach((w) => w());
          }, callback);
        });
      },
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  hold(): SmtpGate {
    let reach!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((resolve) => (reach = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.gates.push({ reach, released });
    return { reached, release };
  }

  /** Resolves with the received mails once `count` have arrived (or fails after `timeoutMs`). */
  waitFor(count: number, timeoutMs = 30000): Promise<ReceivedMail[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.received.length >= count) {
          clearTimeout(timer);
          this.waiters.delete(check);
          resolve(this.received);
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`SmtpSink: ${this.received.length} of ${count} mail(s) after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}
