'use strict';
const { apply, applyTemplates, chain, mergeWith, move, url } = require('@angular-devkit/schematics');
const { entry } = require('../utils/entry.js');
const { checkName, namesOf } = require('../utils/names.js');
const { Refusal } = require('../utils/refusal.js');
const s = require('../utils/source-edit.js');

const REGISTRY = 'libs/queue/src/job-registry.ts';
const WORKER_MODULE = 'apps/worker/src/worker.module.ts';

/** `job <name>`: registry entry (payload type + queue), processor in the worker, e2e test through the real queue. */
function job(options) {
  return (tree) => {
    const name = checkName('job', options.name);
    const n = { ...namesOf(name), queue: options.queue || 'maintenance' };
    const processorFile = `apps/worker/src/processors/${name}.processor.ts`;
    const testFile = `apps/worker/test/${name}.e2e-spec.ts`;
    for (const file of [processorFile, testFile]) {
      if (tree.exists(file)) throw new Refusal(`job: ${file} already exists.`);
    }
    const registry = s.parseTs(REGISTRY, s.read(tree, REGISTRY));
    const payloads = s.required(s.interfaceOf(registry, 'JobPayloads'), REGISTRY, 'interface JobPayloads');
    const jobs = s.required(s.variableLiteral(registry, 'JOBS'), REGISTRY, 'const JOBS');
    if (payloads.members.some((m) => s.nameOf(m) === name) || jobs.properties.some((p) => s.nameOf(p) === name)) {
      throw new Refusal(`job: "${name}" is already in ${REGISTRY}.`);
    }
    const queues = s.required(s.variableLiteral(registry, 'QUEUE_NAMES'), REGISTRY, 'const QUEUE_NAMES').elements.map((e) => e.text);
    if (!queues.includes(n.queue)) {
      throw new Refusal(`job: unknown queue "${n.queue}" (QUEUE_NAMES: ${queues.join(', ')}).`);
    }
    const worker = s.parseTs(WORKER_MODULE, s.read(tree, WORKER_MODULE));
    if (worker.statements.some((st) => s.ts.isImportDeclaration(st) && st.getText(worker).includes(`${n.className}Processor`))) {
      throw new Refusal(`job: ${WORKER_MODULE} already imports ${n.className}Processor.`);
    }
    return chain([
      mergeWith(apply(url('./files'), [applyTemplates(n), move('apps/worker')])),
      (t) => {
        s.editTs(
          t,
          REGISTRY,
          (text, sf) =>
            s.appendMember(text, sf, s.interfaceOf(sf, 'JobPayloads'), `/** ${n.title} (apps/worker/src/processors/${name}.processor.ts). */\n'${name}': { id: string };`),
          (text, sf) => s.appendToLiteral(text, sf, s.variableLiteral(sf, 'JOBS'), `'${name}': { queue: '${n.queue}' }`),
        );
        s.editTs(
          t,
          WORKER_MODULE,
          (text, sf) => s.addImport(text, sf, `import { ${n.className}Processor } from './processors/${name}.processor.js';`),
          (text, sf) =>
            s.appendToLiteral(text, sf, s.required(s.propertyLiteral(sf, 'providers', (a) => s.ts.isArrayLiteralExpression(a)), WORKER_MODULE, 'the providers array'), `${n.className}Processor`),
        );
        return t;
      },
    ]);
  };
}

exports.job = entry('job', job);
