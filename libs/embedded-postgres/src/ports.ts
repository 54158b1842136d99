import { createServer } from 'node:net';
import { type Layout, readPort, writePort } from './data-dir.js';

export function freePort(preferred = 0): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(preferred, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') {
          resolvePromise(address.port);
        } else {
          reject(new Error('no port'));
        }
      });
    });
  });
}

/** The remembered port if nothing else holds it, otherwise a new free one (remembered). */
export async function choosePort(paths: Layout, log: (line: string) => void): Promise<number> {
  const remembered = await readPort(paths);
  if (remembered !== null) {
    try {
      return await freePort(remembered);
    } catch {
      log(`port ${remembered} is taken by another program; choosing a new one`);
    }
  }
  const port = await freePort();
  await writePort(paths, port);
  return port;
}
