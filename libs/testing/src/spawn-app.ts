import { processEnv, projectRoot } from '@app/config';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface SpawnedApp {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/**
 * Starts a built app (`dist/bundle/<name>.mjs`, what `npm run start:prod` runs) as a real process with exactly the given
 * environment, the way production runs it. `npm test` builds first.
 */
export function spawnBuiltApp(
  app: 'api' | 'worker',
  env: Record<string, string | undefined>,
  /** cwd: where it looks for `.env` (default: the project root, and so a developer's `.env` fills what `env` leaves unset). */
  options: { cwd?: string } = {},
): SpawnedApp {
  const child = spawn(process.execPath, [join(projectRoot(), `dist/bundle/${app}.mjs`)], {
    cwd: options.cwd ?? projectRoot(),
    env: { PATH: processEnv().PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    out += chunk.toString();
    listeners.forEach((l) => l());
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    exited,
    output: () => out,
    waitForOutput(pattern, timeoutMs = 15000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(out)) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern} in output:\n${out}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() =>
          setTimeout(() => {
            if (!pattern.test(out)) {
              clearTimeout(timer);
              listeners.delete(check);
              reject(new Error(`process exited before ${pattern}; output:\n${out}`));
            }
          }, 50),
        );
        check();
      });
    },
  };
}

/** A loopback port nobody listens on right now, for an app started as a process. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
