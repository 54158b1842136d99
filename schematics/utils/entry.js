'use strict';
const path = require('node:path');

const COLLECTION = path.join(__dirname, '..', 'collection.json');
let running = false;

/**
 * `nest g -c ./schematics ...` runs the devkit's schematics CLI with the collection given by path,
 * and that CLI turns on --dry-run by default for such "local" collections (nest passes no
 * --dry-run=false; see @angular-devkit/schematics-cli bin/schematics.js: `dryRun = cliOptions['dry-run']
 * ?? debug`, `debug = ... ?? isLocalCollection`). Without this, `nest g -c ./schematics` would
 * list the files it "created" and write none. True only in that case: an explicit --dry-run
 * (nest's -d) or --debug keeps the CLI's behaviour.
 */
function dryRunOnlyByDefault() {
  const [script, first = '', ...rest] = process.argv.slice(1);
  if (!script || !/schematics-cli[\\/]bin[\\/]schematics(\.js)?$/.test(script)) {
    return false;
  }
  const collection = first.slice(0, Math.max(0, first.lastIndexOf(':')));
  const local = collection.startsWith('.') || collection.startsWith('/');
  return local && ![first, ...rest].some((arg) => /^--(dry-run|debug)(=|$)/.test(arg));
}

/**
 * Runs one of our schematics in its own workflow that writes to disk (the project root is the
 * current directory). Resolves with the report lines (CREATE/UPDATE path); rejects on refusal.
 */
async function generate(kind, options, { dryRun = false } = {}) {
  const { NodeWorkflow } = require('@angular-devkit/schematics/tools');
  const { schema } = require('@angular-devkit/core');
  const { lastValueFrom } = require('rxjs');
  const workflow = new NodeWorkflow(process.cwd(), { dryRun, force: false, resolvePaths: [process.cwd(), __dirname], schemaValidation: true });
  workflow.registry.addPostTransform(schema.transforms.addUndefinedDefaults);
  const lines = [];
  const problems = [];
  workflow.reporter.subscribe((event) => {
    const file = event.path.replace(/^\//, '');
    if (event.kind === 'error') {
      problems.push(`${file} ${event.description === 'alreadyExist' ? 'already exists' : 'does not exist'}`);
    } else if (event.kind === 'create' || event.kind === 'update') {
      lines.push(`${event.kind.toUpperCase()} ${file}`);
    }
  });
  running = true;
  try {
    await lastValueFrom(workflow.execute({ collection: COLLECTION, schematic: kind, options, allowPrivate: false, debug: false }), {
      defaultValue: undefined,
    });
  } catch (error) {
    if (problems.length > 0) {
      const { Refusal } = require('./refusal.js');
      throw new Refusal(`${kind}: ${problems.join('; ')}; nothing written.`);
    }
    throw error;
  } finally {
    running = false;
  }
  return lines;
}

/**
 * The factory a collection entry points to: the kind's rule, or, under `nest g -c ./schematics`
 * (dry run only by the CLI's default), the same rule run by `generate` so that files are written.
 */
function entry(kind, rule) {
  return (options) => {
    if (running || !dryRunOnlyByDefault()) {
      return rule(options);
    }
    return async () => {
      try {
        for (const line of await generate(kind, options)) {
          process.stdout.write(`${line}\n`);
        }
      } catch (error) {
        process.stderr.write(`${error && error.name === 'Refusal' ? error.message : (error && error.stack) || error}\n`);
        process.exit(1);
      }
      // Written and reported; the outer (dry-run) CLI has nothing left to do but would print
      // "Nothing to be done." over our report.
      process.exit(0);
    };
  };
}

module.exports = { entry, generate, COLLECTION };
