import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The repository root (the directory holding package.json). Views, public assets and the file
 * session store live relative to it, and the compiled code in dist/ sits at a different depth
 * than the sources, so we walk up instead of counting `..`.
 */
export function projectRoot(): string {
  if (cached) {
    return cached;
  }
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error('projectRoot: no package.json above ' + fileURLToPath(import.meta.url));
    }
    dir = parent;
  }
  cached = dir;
  return dir;
}
