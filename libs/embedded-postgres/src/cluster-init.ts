import { randomBytes } from 'node:crypto';
import { appendFile, chmod, mkdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkReachable, giveTo, loadBinaries, runAs, runBinary } from './binaries.js';
import { isInitialised, type Layout, readPassword, SUPERUSER, writePort } from './data-dir.js';
import { freePort } from './ports.js';

/** Creates the cluster, its password file and its port file, unless the cluster exists already. */
export async function initialiseIfNeeded(paths: Layout, log: (line: string) => void): Promise<void> {
  if (isInitialised(paths)) {
    if ((await readPassword(paths)) === null) {
      throw new Error(
        `The embedded PostgreSQL in ${paths.cluster} has lost its password file (${paths.passwordFile}). ` +
          'Reset it with `npm run db:reset` (deletes its data).',
      );
    }
    return;
  }
  const started = Date.now();
  log(`initialising embedded PostgreSQL in ${paths.cluster}`);
  const [bin, owner] = await Promise.all([loadBinaries(), runAs()]);
  // A half-written cluster from an interrupted initdb has no PG_VERSION; initdb wants it empty.
  await rm(paths.cluster, { recursive: true, force: true });
  if (owner.uid !== undefined) {
    // The postgres user must be able to reach its cluster (mkdtemp makes 0700 directories).
    const mode = (await stat(paths.dataDir)).mode & 0o777;
    await chmod(paths.dataDir, mode | 0o711);
    await checkReachable(dirname(paths.dataDir), owner);
  }
  await mkdir(paths.cluster, { mode: 0o700 });
  await giveTo(paths.cluster, owner);

  const password = randomBytes(24).toString('base64url');
  await writeFile(paths.passwordFile, `${password}\n`, { mode: 0o600 });
  await chmod(paths.passwordFile, 0o600);
  const pwfile = join(paths.dataDir, `.initdb-password-${process.pid}`);
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  await giveTo(pwfile, owner);
  try {
    await runBinary(
      bin.initdb,
      [
        `--pgdata=${paths.cluster}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        // The builtin provider sorts and cases the same on every OS, unlike libc locales.
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--locale=C',
        // Skips only the final fsync of the fresh cluster; later writes are synced as usual.
        '--no-sync',
        '--no-instructions',
      ],
      owner,
      `initdb failed for ${paths.cluster}`,
    );
  } catch (error) {
    await rm(paths.cluster, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  } finally {
    await unlink(pwfile).catch(() => undefined);
  }
  await appendFile(
    join(paths.cluster, 'postgresql.conf'),
    [
      '',
      '# Added by @app/embedded-postgres: TCP on loopback only, no Unix socket (the port is',
      '# passed with -p at every start, from the "port" file next to this cluster).',
      "listen_addresses = '127.0.0.1'",
      "unix_socket_directories = ''",
      '',
    ].join('\n'),
  );
  await writePort(paths, await freePort());
  log(`initialised embedded PostgreSQL in ${Date.now() - started} ms`);
}
