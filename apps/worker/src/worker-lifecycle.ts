import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

/**
 * An application context has no listening socket, so nothing would keep Node running once the
 * database pool goes idle. This holds the process open until shutdown begins.
 */
@Injectable()
export class WorkerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private keepAlive?: NodeJS.Timeout;

  onApplicationBootstrap(): void {
    this.keepAlive = setInterval(() => undefined, 1 << 30);
  }

  onApplicationShutdown(signal?: string): void {
    clearInterval(this.keepAlive);
    this.logger.log(`worker stopped${signal ? ` (${signal})` : ''}`);
  }
}
