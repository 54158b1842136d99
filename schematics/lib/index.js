'use strict';
const { apply, applyTemplates, chain, mergeWith, move, url } = require('@angular-devkit/schematics');
const { entry } = require('../utils/entry.js');
const { checkName, namesOf } = require('../utils/names.js');
const { Refusal } = require('../utils/refusal.js');
const { appendToLiteral, editJson, jsonHasKey, jsonObject, parseJson, read } = require('../utils/source-edit.js');

/** `lib <name>`: libs/<name>/src/{<name>.module.ts, <name>.service.ts, <name>.service.spec.ts, index.ts}, its path alias and project. */
function lib(options) {
  return (tree) => {
    const name = checkName('lib', options.name);
    const n = namesOf(name);
    const root = `libs/${name}`;
    const dir = tree.getDir(root);
    if (dir.subfiles.length > 0 || dir.subdirs.length > 0) {
      throw new Refusal(`lib: ${root} already exists.`);
    }
    if (jsonHasKey(parseJson('tsconfig.json', read(tree, 'tsconfig.json')), ['compilerOptions', 'paths'], `@app/${name}`)) {
      throw new Refusal(`lib: tsconfig.json already has a path alias @app/${name}.`);
    }
    if (jsonHasKey(parseJson('nest-cli.json', read(tree, 'nest-cli.json')), ['projects'], name)) {
      throw new Refusal(`lib: nest-cli.json already has a project named "${name}".`);
    }
    return chain([
      mergeWith(apply(url('./files'), [applyTemplates(n), move(root)])),
      (t) => {
        editJson(t, 'tsconfig.json', (text, sf) =>
          appendToLiteral(text, sf, jsonObject(sf, ['compilerOptions', 'paths'], 'tsconfig.json'), `"@app/${name}": ["./libs/${name}/src/index.ts"]`),
        );
        editJson(t, 'nest-cli.json', (text, sf) =>
          appendToLiteral(
            text,
            sf,
            jsonObject(sf, ['projects'], 'nest-cli.json'),
            `"${name}": { "type": "library", "root": "libs/${name}", "entryFile": "index", "sourceRoot": "libs/${name}/src" }`,
          ),
        );
        return t;
      },
    ]);
  };
}

exports.lib = entry('lib', lib);
