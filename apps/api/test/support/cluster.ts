import { spawnBuiltApp, waitFor, type SpawnedApp } from '@app/testing';
import { Agent, request as httpRequest } from 'node:http';
import request from 'supertest';
import { FormClient } from './form-client.js';

/** One built app (`dist/bundle/<kind>.mjs`) as a real process on its own port, restartable in place. */
export class ClusterProcess {
  private current?: SpawnedApp;

  constructor(
    readonly name: string,
    private readonly kind: 'api' | 'worker',
    private readonly env: Record<string, string | undefined>,
    /** PORT for an api, WORKER_HEALTH_PORT for a worker: where readiness answers. */
    readonly port: number,
  ) {}

  get process(): SpawnedApp {
    if (!this.current) {
      throw new Error(`${this.name} is not running`);
    }
    return this.current;
  }

  /** Starts it and resolves once `/health/ready` answers 200 (rejects as soon as it exits first). */
  async start(timeoutMs = 60_000): Promise<void> {
    const app = spawnBuiltApp(this.kind, this.env);
    this.current = app;
    let ready = false;
    let gone = false;
    const exitedEarly = app.exited.then((code) => {
      gone = true;
      if (!ready) {
        throw new Error(`${this.name} exited (${code}) before it was ready:\n${app.output()}`);
      }
    });
    const answered = waitFor(async () => {
      if (gone) {
        return true; // stop polling: exitedEarly reports it
      }
      const res = await fetch(`http://127.0.0.1:${this.port}/health/ready`).catch(() => undefined);
      return res?.status === 200;
    }, timeoutMs, 100).catch((error: unknown) => {
      throw new Error(`${this.name}: ${String(error)}\n${app.output()}`);
    });
    await Promise.race([answered, exitedEarly]);
    ready = true;
  }

  /** Sends the signal and resolves with the exit code (or signal name). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string> {
    const app = this.current;
    if (!app || app.child.exitCode !== null || app.child.signalCode !== null) {
      return app?.child.exitCode ?? app?.child.signalCode ?? 'not running';
    }
    app.child.kill(signal);
    return app.exited;
  }
}

export type Site = 'A' | 'B';

/**
 * One browser (one cookie jar, one CSRF token) whose requests go to api A or api B, as a
 * load balancer without sticky sessions would send them.
 */
export class ClusterBrowser {
  private cookie?: string;
  private csrf?: string;

  constructor(private readonly sites: () => Record<Site, ReturnType<typeof request>>) {}

  private async run(site: Site, act: (client: FormClient) => Promise<request.Response>): Promise<request.Response> {
    const client = new FormClient(this.sites()[site]);
    client.cookie = this.cookie;
    client.csrf = this.csrf;
    const res = await act(client);
    this.cookie = client.cookie;
    this.csrf = client.csrf;
    return res;
  }

  get sessionCookie(): string | undefined {
    return this.cookie;
  }

  get(site: Site, path: string): Promise<request.Response> {
    return this.run(site, (c) => c.get(path));
  }

  /** Loads `formPage` on that site first (for its CSRF token), then posts. */
  async post(site: Site, formPage: string, path: string, fields: Record<string, string> = {}): Promise<request.Response> {
    await this.get(site, formPage);
    return this.run(site, (c) => c.post(path, fields));
  }

  signIn(site: Site, email: string, password: string): Promise<request.Response> {
    return this.post(site, '/login', '/login', { email, password });
  }
}

/**
 * Steady signed-in page views spread over the apis that are ready, like a load balancer with an
 * active health check (every 100 ms): a stopping api leaves the rotation when its readiness
 * turns 503. Keep-alive connections per api, as a balancer keeps them. Every answer but a 200
 * counts as a failure, and so does every connection error.
 */
export class SteadyLoad {
  readonly failures: string[] = [];
  served = 0;
  private readonly ready = new Map<number, boolean>();
  private readonly agents = new Map<number, Agent>();
  private running = true;
  private turn = 0;
  private readonly loops: Promise<void>[] = [];
  private readonly poller: NodeJS.Timeout;

  constructor(
    private readonly ports: number[],
    private readonly path: string,
    private readonly cookie: string,
    concurrency = 4,
  ) {
    for (const port of ports) {
      this.agents.set(port, new Agent({ keepAlive: true, maxSockets: concurrency }));
    }
    this.poller = setInterval(() => void this.poll(), 100);
    for (let i = 0; i < concurrency; i++) {
      this.loops.push(this.loop());
    }
  }

  private async poll(): Promise<void> {
    await Promise.all(
      this.ports.map(async (port) => {
        const status = await get(port, '/health/ready', undefined, new Agent(), 500).catch(() => 0);
        this.ready.set(port, status === 200);
      }),
    );
  }

  private pick(): number | undefined {
    const ready = this.ports.filter((p) => this.ready.get(p));
    return ready.length === 0 ? undefined : ready[this.turn++ % ready.length];
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const port = this.pick();
      if (port === undefined) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      try {
        const status = await get(port, this.path, this.cookie, this.agents.get(port)!, 10_000);
        if (status === 200) {
          this.served += 1;
        } else {
          this.failures.push(`${port} ${this.path}: ${status}`);
        }
      } catch (error) {
        this.failures.push(`${port} ${this.path}: ${String(error)}`);
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.poller);
    await Promise.all(this.loops);
    this.agents.forEach((agent) => agent.destroy());
  }
}

function get(port: number, path: string, cookie: string | undefined, agent: Agent, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, agent, headers: { Accept: 'text/html', ...(cookie ? { Cookie: cookie } : {}) }, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
