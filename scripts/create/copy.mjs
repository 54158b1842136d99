// Which files of the starter make the template, and copying them. The template is this source
// tree only (never anything outside it): the files git tracks when it is a git checkout, every
// file otherwise (a published create-* package has no .git), minus local state and build output.
import { spawnSync } from 'node:child_process';
import { chmod, copyFile, lstat, mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

/**
 * Never copied, whatever git says: version control, installs, build output, local data and
 * secrets, profiler logs, and the create command itself with its tests (a team's project is not
 * a starter; package.json's "create" script and "bin" are dropped to match).
 */
const EXCLUDED_PATHS = ['.git', 'node_modules', 'dist', '.data', 'bench/results', 'coverage', 'scripts/create'];
const EXCLUDED_NAMES = [/^\.env$/, /\.tsbuildinfo$/, /^isolate-.*\.log$/];
const CREATE_TESTS = /^apps\/cli\/test\/create(-[a-z-]+)?\.e2e-spec\.ts$/;

export function isExcluded(relPath) {
  const parts = relPath.split('/');
  if (parts.includes('node_modules') || parts.includes('.git')) {
    return true;
  }
  if (EXCLUDED_PATHS.some((p) => relPath === p || relPath.startsWith(`${p}/`))) {
    return true;
  }
  return EXCLUDED_NAMES.some((re) => re.test(parts[parts.length - 1])) || CREATE_TESTS.test(relPath);
}

/**
 * The template's files, relative to `root`, with '/' separators. `skip` holds absolute paths
 * never to enter (the directory being created may lie inside the source tree).
 */
export async function listTemplateFiles(root, skip = []) {
  const fromGit = existsSync(join(root, '.git')) ? gitFiles(root) : null;
  const files = fromGit ?? (await walk(root, '', skip));
  const kept = [];
  for (const file of files) {
    if (isExcluded(file)) {
      continue;
    }
    // git lists tracked files that someone deleted in the working tree since: nothing to copy.
    if (fromGit && !(await exists(join(root, file)))) {
      continue;
    }
    kept.push(file);
  }
  return kept.sort();
}

function gitFiles(root) {
  const result = spawnSync('git', ['ls-files', '-z', '--cached'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0 || result.error) {
    return null; // no usable git: walk the tree instead
  }
  return result.stdout.split('\0').filter(Boolean);
}

async function walk(root, rel, skip) {
  const out = [];
  const entries = await readdir(join(root, rel), { withFileTypes: true });
  for (const entry of entries) {
    const relPath = rel === '' ? entry.name : `${rel}/${entry.name}`;
    const abs = join(root, relPath);
    if (skip.some((s) => abs === s || abs.startsWith(s + sep)) || isExcluded(relPath)) {
      continue;
    }
    if (entry.isDirectory()) {
      out.push(...(await walk(root, relPath, skip)));
    } else {
      out.push(relPath);
    }
  }
  return out;
}

async function exists(path) {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Copies `files` from `from` to `to`, keeping file modes and symlinks. */
export async function copyFiles(from, to, files) {
  for (const file of files) {
    const src = join(from, file);
    const dest = join(to, file);
    await mkdir(dirname(dest), { recursive: true });
    const stat = await lstat(src);
    if (stat.isSymbolicLink()) {
      await symlink(await readlink(src), dest);
    } else if (stat.isFile()) {
      await copyFile(src, dest);
      await chmod(dest, stat.mode & 0o777);
    }
  }
}
