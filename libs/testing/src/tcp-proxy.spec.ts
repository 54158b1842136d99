import net from 'node:net';
import { TcpProxy } from './tcp-proxy.js';

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

function closed(socket: net.Socket): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}

describe('TcpProxy', () => {
  let target: net.Server;
  let proxy: TcpProxy;
  const targetSockets: net.Socket[] = [];
  let connected: Promise<void>;

  beforeEach(async () => {
    let onConnection!: () => void;
    connected = new Promise((resolve) => (onConnection = resolve));
    // The service behind the proxy keeps its side open when the client half-closes, like a
    // server that still has replies to send.
    target = net.createServer({ allowHalfOpen: true }, (s) => {
      targetSockets.push(s);
      s.on('error', () => undefined);
      s.resume();
      onConnection();
    });
    proxy = await new TcpProxy('127.0.0.1', await listen(target)).start();
  });

  afterEach(async () => {
    await proxy.stop();
    for (const s of targetSockets.splice(0)) {
      s.destroy();
    }
    await new Promise((resolve) => target.close(resolve));
  });

  it('resets live connections on cut and refuses new ones until restored', async () => {
    const client = net.connect(proxy.port, '127.0.0.1');
    client.on('error', () => undefined);
    await connected;
    await proxy.cut();
    await closed(client);
    const refused = await new Promise<string>((resolve) => {
      const again = net.connect(proxy.port, '127.0.0.1');
      again.on('error', (error: NodeJS.ErrnoException) => resolve(String(error.code)));
      again.on('connect', () => resolve('connected'));
    });
    expect(refused).toBe('ECONNREFUSED');
    await proxy.restore();
    const back = net.connect(proxy.port, '127.0.0.1');
    await new Promise((resolve) => back.once('connect', resolve));
    back.destroy();
  });

  // Regression: a reset on a socket whose shutdown was still in flight failed (EINVAL), left
  // its handle open forever and made the test process spin at 100 % CPU after the last test.
  it('closes a connection cut while its half-close is still being forwarded', async () => {
    const server = (proxy as unknown as { server: net.Server }).server;
    let cutDone!: Promise<void>;
    const cutCalled = new Promise<void>((resolve) => {
      server.once('connection', (proxied: net.Socket) => {
        // Runs after pipe() has ended the upstream socket for this FIN, i.e. after its
        // shutdown was issued and before libuv completed it: the window of the old bug.
        proxied.once('end', () =>
          process.nextTick(() => {
            cutDone = proxy.cut();
            resolve();
          }),
        );
      });
    });
    const client = net.connect({ port: proxy.port, host: '127.0.0.1', allowHalfOpen: true });
    client.on('error', () => undefined);
    client.resume();
    await connected;
    client.end();
    await cutCalled;
    await cutDone; // resolves only once every proxied socket has really closed
    await closed(client);
  });
});
