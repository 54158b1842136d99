import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerMatches, scrape, type Scrape } from './scrape.js';
import { startDefaultMetrics } from './registry.js';

/**
 * The metrics listener on METRICS_PORT (unset: none), apart from the site so that a firewall or a
 * network policy can keep it private. With METRICS_TOKEN set it also requires the bearer token.
 * It has no routes, no session and no logging: only `GET /metrics`.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: Server;

  constructor(private readonly config: AppConfig) {}

  /** The bound port (tests start it on 0), undefined when there is no listener. */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    startDefaultMetrics();
    const port = this.config.metrics.port;
    if (port === undefined) {
      return;
    }
    const server = createServer((req, res) => void this.answer(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.http.host, () => resolve());
    });
    this.server = server;
    this.logger.log(`metrics on http://${this.config.http.host}:${this.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return send(res, 404, 'not found\n');
    }
    const token = this.config.metrics.token;
    if (token && !bearerMatches(req.headers.authorization, token)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return send(res, 401, 'unauthorized\n');
    }
    let result: Scrape;
    try {
      result = await scrape();
    } catch (error) {
      this.logger.warn(`scrape failed: ${error instanceof Error ? error.message : String(error)}`);
      return send(res, 503, 'metrics unavailable\n');
    }
    send(res, 200, result.body, result.contentType);
  }
}

function send(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}
