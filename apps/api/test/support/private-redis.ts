import { freePort } from '@app/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/**
 * A redis-server of the test's own on a free port (never the shared one), which the test may stop
 * and start again. Its data survives a stop (saved on shutdown, loaded on start), as a real
 * Redis restart keeps what it had: the case where stale entries come back.
 */
export class PrivateRedis {
  private child?: ChildProcess;
  private dir = '';
  port = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  async start(): Promise<this> {
    if (!this.port) {
      this.port = await freePort();
      this.dir = await mkdtemp(join(tmpdir(), 'starter-private-redis-'));
    }
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      const up = await probe
        .connect()
        .then(() => probe.ping())
        .then(() => true)
        .catch(() => false);
      probe.disconnect();
      if (up) {
        return this;
      }
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`private redis-server did not start on port ${this.port}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Saves its data and exits (SHUTDOWN SAVE): every client sees its connection close. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) {
      return;
    }
    const exited = new Promise((r) => child.once('exit', r));
    const client = new Redis(this.url, { maxRetriesPerRequest: 0 });
    client.on('error', () => undefined);
    await client.call('SHUTDOWN', 'SAVE').catch(() => undefined);
    client.disconnect();
    await exited;
  }

  async keys(pattern: string): Promise<string[]> {
    const client = new Redis(this.url);
    try {
      return await client.keys(pattern);
    } finally {
      client.disconnect();
    }
  }

  async destroy(): Promise<void> {
    await this.stop();
    if (this.dir) {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}
