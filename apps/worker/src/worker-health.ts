import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AppConfig } from '@app/config';
import { READINESS_CHECKS, type ReadinessCheck } from '@app/health';
import { HealthCheckService } from '@nestjs/terminus';
import { createServer, type Server, type ServerResponse } from 'node:http';

/**
 * Readiness for an orchestrator, on WORKER_HEALTH_PORT (unset: no listener, the worker opens no
 * port). `/health/live`: the process answers. `/health/ready`: 200 when the database and the
 * queue answer and the worker is taking jobs; 503 (naming the failing dependency) otherwise,
 * including while it drains on SIGTERM.
 */
@Injectable()
export class WorkerHealth implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('WorkerHealth');
  private server?: Server;
  private accepting = false;

  constructor(
    private readonly config: AppConfig,
    private readonly health: HealthCheckService,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.accepting = true;
    const port = this.config.worker.healthPort;
    if (port === undefined) {
      return;
    }
    const server = createServer((req, res) => {
      void this.answer(req.method ?? 'GET', req.url ?? '/', res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.http.host, () => resolve());
    });
    this.server = server;
    this.logger.log(`readiness on http://${this.config.http.host}:${port}/health/ready`);
  }

  beforeApplicationShutdown(): void {
    this.accepting = false;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  private async answer(method: string, url: string, res: ServerResponse): Promise<void> {
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Cache-Control', 'no-store');
    const path = url.split('?')[0];
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405).end(JSON.stringify({ statusCode: 405 }));
      return;
    }
    if (path === '/health/live') {
      res.writeHead(200).end(JSON.stringify({ status: 'ok' }));
      return;
    }
    if (path !== '/health/ready') {
      res.writeHead(404).end(JSON.stringify({ statusCode: 404 }));
      return;
    }
    if (!this.accepting) {
      res.writeHead(503).end(JSON.stringify({ status: 'error', error: { worker: { status: 'down', message: 'shutting down' } } }));
      return;
    }
    try {
      const result = await this.health.check(this.checks.map((c) => c.check));
      res.writeHead(200).end(JSON.stringify(result));
    } catch (error) {
      const body = (error as { getResponse?: () => unknown }).getResponse?.() ?? { status: 'error' };
      res.writeHead(503).end(JSON.stringify(body));
    }
  }
}
