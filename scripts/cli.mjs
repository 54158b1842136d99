// `npm run cli -- <command> [args]`: runs the CLI bundle (dist/bundle/cli.mjs), building it
// first if it is missing (a fresh clone). After changing sources, `npm run build` refreshes it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist/bundle/cli.mjs');
if (!existsSync(bundle)) {
  process.stderr.write('building the CLI first (npm run build)...\n');
  const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) {
    process.exit(built.status ?? 1);
  }
}
const run = spawnSync(process.execPath, ['--enable-source-maps', bundle, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
