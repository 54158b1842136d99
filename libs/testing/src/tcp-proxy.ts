import net from 'node:net';

/**
 * A loopback TCP proxy placed between the app and a shared service (PostgreSQL, Redis), so a
 * fault test can make the service "go down" for the app without stopping it for anyone else.
 * `cut()` drops every open connection and refuses new ones; `restore()` accepts again on the
 * same port.
 */
export class TcpProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = 0): Promise<this> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
    return this;
  }

  /**
   * Simulates the service going away: resets live connections, refuses new ones. Resolves once
   * every proxied socket has closed, so nothing of the proxy outlives a test.
   */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed: Array<Promise<void>> = [];
    for (const s of this.sockets) {
      closed.push(new Promise<void>((resolve) => s.once('close', () => resolve())));
      // A socket whose writable side was ended (the peer closed its side, pipe() forwarded the
      // FIN) may still have its shutdown in flight. libuv refuses to reset such a socket
      // (uv_tcp_close_reset -> EINVAL) and Node 20 then leaves its handle open but marked as
      // closing: it never emits 'close', and at exit Node's handle cleanup spins at 100 % CPU
      // forever waiting for it. The peer has already half-closed, so a plain close is the cut.
      if (s.writableEnded) {
        s.destroy();
      } else {
        s.resetAndDestroy();
      }
    }
    this.sockets.clear();
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await Promise.all(closed);
  }

  async restore(): Promise<void> {
    await this.start(this.port);
  }

  async stop(): Promise<void> {
    await this.cut();
  }
}
