#!/usr/bin/env node
'use strict';
/*
 * The generators without the Nest CLI, with exit codes a script can trust (the Nest CLI exits 0
 * even when a schematic fails):
 *
 *   node schematics/generate.js <lib|page|entity|job|mail> <name> [--lib <lib>] [--queue <queue>] [--dry-run]
 *
 * Exit codes: 0 done, 1 failed, 2 bad input (invalid name, collision: one line on stderr, nothing written).
 */
const { parseArgs } = require('node:util');
const { generate } = require('./utils/entry.js');

const KINDS = ['lib', 'page', 'entity', 'job', 'mail'];
const USAGE = 'usage: node schematics/generate.js <lib|page|entity|job|mail> <name> [--lib <lib>] [--queue <queue>] [--dry-run]';

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { lib: { type: 'string' }, queue: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [kind, name, ...extra] = positionals;
  if (!KINDS.includes(kind) || extra.length > 0) {
    process.stderr.write(`${kind === undefined ? 'which kind?' : KINDS.includes(kind) ? 'one name only' : `unknown kind "${kind}"`}\n${USAGE}\n`);
    return 2;
  }
  const options = { name: name ?? '' };
  if (values.lib !== undefined) options.lib = values.lib;
  if (values.queue !== undefined) options.queue = values.queue;
  try {
    for (const line of await generate(kind, options, { dryRun: values['dry-run'] })) {
      process.stdout.write(`${line}\n`);
    }
    if (values['dry-run']) {
      process.stdout.write('dry run: nothing written\n');
    }
    return 0;
  } catch (error) {
    if (error && error.name === 'Refusal') {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    process.stderr.write(`${(error && error.stack) || error}\n`);
    return 1;
  }
}

main().then((code) => { process.exitCode = code; });
