// Production bundles: dist/bundle/api.mjs, dist/bundle/worker.mjs and dist/bundle/cli.mjs.
//
// Why bundle: NestJS 12 is ESM-only, and Node 20's ES module loader resolves and reads each of
// the ~1,500 files of the dependency graph one by one. On this machine that alone took about
// 800 ms of a 1.3 s cold start; one pre-linked file starts in roughly half the time (figures in
// docs/benchmarks.md). The swc output in dist/apps stays as it is for `nest start` and debugging.
//
// Left outside the bundle: CommonJS packages that load files or drivers at run time by name
// (typeorm, pg, pino's transports, argon2's native binary), and optional peers we do not install.
import { build } from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asciiOnly } from './ascii-only.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const external = [
  'typeorm',
  'pg',
  'pg-native',
  'pino',
  'pino-http',
  'pino-pretty',
  'thread-stream',
  '@nestjs/microservices',
  '@nestjs/websockets',
  'class-transformer/storage',
  // Optional peer of @nestjs/swagger for Fastify; we run on Express and do not install it.
  '@fastify/static',
  // Native addon: finds its compiled binary relative to its own file at run time.
  'argon2',
  // Loaded only when AWS_SECRETS_MANAGER_SECRET_ID is set; outside, it costs the other starts nothing.
  '@aws-sdk/client-secrets-manager',
];

await mkdir(join(root, 'dist/bundle'), { recursive: true });
await Promise.all(
  ['api', 'worker', 'cli'].map(async (app) => {
    const { outputFiles } = await build({
      entryPoints: [join(root, `dist/apps/${app}/src/main.js`)],
      outfile: join(root, `dist/bundle/${app}.mjs`),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: true,
      // Mappings only: the sources are in the repository and the image. A process started with
      // --enable-source-maps keeps the whole parsed map in memory; with the sources inside it the
      // api's map was 14.9 MB instead of 4.3 (docs/benchmarks.md, "Memory").
      sourcesContent: false,
      external,
      logLevel: 'warning',
      // Bundled CommonJS code calls require(); give it one that resolves from the bundle's folder.
      banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
      write: false,
    });
    await Promise.all(outputFiles.map((file) => writeFile(file.path, file.path.endsWith('.mjs') ? asciiOnly(file.text) : file.contents)));
  }),
);
