'use strict';
const { apply, applyTemplates, chain, mergeWith, move, url } = require('@angular-devkit/schematics');
const { entry } = require('../utils/entry.js');
const { checkName, namesOf } = require('../utils/names.js');
const { Refusal } = require('../utils/refusal.js');
const s = require('../utils/source-edit.js');

const API_MODULE = 'apps/api/src/api.module.ts';

/** Paths the api serves already (or reserves) without a folder of that name in apps/api/src. */
const TAKEN_PATHS = new Set(['login', 'logout', 'register', 'confirm-email', 'forgot-password', 'reset-password', 'account', 'status', 'public', 'static']);

/** Whether a controller in apps/api/src already answers on /<name> (best effort: literal route strings). */
function routeTaken(tree, name) {
  let taken = TAKEN_PATHS.has(name);
  const pattern = new RegExp(`@(Controller|Get|Post|Put|Patch|Delete|All)\\(\\s*['"\`]/?${name}(/|['"\`])`);
  tree.getDir('apps/api/src').visit((path) => {
    if (!taken && path.endsWith('.ts') && pattern.test(tree.read(path).toString('utf8'))) {
      taken = true;
    }
  });
  return taken;
}

/** `page <name>`: module, controller and form in apps/api/src/<name>, its view, registration in ApiModule, e2e test. */
function page(options) {
  return (tree) => {
    const name = checkName('page', options.name);
    const n = namesOf(name);
    for (const path of [`apps/api/src/${name}`, `apps/api/views/${name}`]) {
      const dir = tree.getDir(path);
      if (dir.subfiles.length > 0 || dir.subdirs.length > 0) throw new Refusal(`page: ${path} already exists.`);
    }
    for (const file of [`apps/api/views/${name}.njk`, `apps/api/test/${name}.e2e-spec.ts`]) {
      if (tree.exists(file)) throw new Refusal(`page: ${file} already exists.`);
    }
    if (routeTaken(tree, name)) {
      throw new Refusal(`page: the api already serves /${name}.`);
    }
    const api = s.parseTs(API_MODULE, s.read(tree, API_MODULE));
    s.required(s.propertyLiteral(api, 'imports', (a) => s.ts.isArrayLiteralExpression(a)), API_MODULE, 'the imports array');
    if (api.statements.some((st) => s.ts.isImportDeclaration(st) && st.getText(api).includes(`${n.className}Module`))) {
      throw new Refusal(`page: ${API_MODULE} already imports ${n.className}Module.`);
    }
    return chain([
      mergeWith(apply(url('./files'), [applyTemplates(n), move('apps/api')])),
      (t) => {
        s.editTs(
          t,
          API_MODULE,
          (text, sf) => s.addImport(text, sf, `import { ${n.className}Module } from './${name}/${name}.module.js';`),
          (text, sf) => s.appendToLiteral(text, sf, s.propertyLiteral(sf, 'imports', (a) => s.ts.isArrayLiteralExpression(a)), `${n.className}Module`),
        );
        return t;
      },
    ]);
  };
}

exports.page = entry('page', page);
