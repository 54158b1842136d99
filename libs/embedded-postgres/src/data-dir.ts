import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** The superuser the cluster is created with (the name in the returned URL). */
export const SUPERUSER = 'postgres';

/** Where everything of one embedded server lives, all below its data dir. */
export interface Layout {
  dataDir: string;
  cluster: string;
  passwordFile: string;
  portFile: string;
  lockFile: string;
  logFile: string;
}

export function layout(dataDir: string): Layout {
  const dir = resolve(dataDir);
  return {
    dataDir: dir,
    cluster: join(dir, 'cluster'),
    passwordFile: join(dir, 'password'),
    portFile: join(dir, 'port'),
    lockFile: join(dir, '.lock'),
    logFile: join(dir, 'server.log'),
  };
}

export function isInitialised(paths: Layout): boolean {
  return existsSync(join(paths.cluster, 'PG_VERSION'));
}

export async function readPassword(paths: Layout): Promise<string | null> {
  try {
    return (await readFile(paths.passwordFile, 'utf8')).trim() || null;
  } catch {
    return null;
  }
}

export async function readPort(paths: Layout): Promise<number | null> {
  try {
    const port = Number.parseInt(await readFile(paths.portFile, 'utf8'), 10);
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
  } catch {
    return null;
  }
}

export async function writePort(paths: Layout, port: number): Promise<void> {
  await writeFile(paths.portFile, `${port}\n`);
}
