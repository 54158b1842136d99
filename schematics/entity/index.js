'use strict';
const { apply, applyTemplates, chain, mergeWith, move, url } = require('@angular-devkit/schematics');
const { entry } = require('../utils/entry.js');
const { checkName, constant, namesOf, pascal, plural } = require('../utils/names.js');
const { Refusal } = require('../utils/refusal.js');
const s = require('../utils/source-edit.js');

const CORE_ENTITIES = 'libs/core/src/entities.ts';
const MIGRATIONS_DIR = 'libs/database/src/migrations';
const MIGRATIONS_INDEX = `${MIGRATIONS_DIR}/index.ts`;

function libOf(tree, options) {
  const lib = options.lib || options.project;
  if (!lib) {
    throw new Refusal('entity: which lib owns it? Pass --lib <lib> (nest g: -p <lib>); create one first with `lib <name>`.');
  }
  const nestCli = s.parseJson('nest-cli.json', s.read(tree, 'nest-cli.json'));
  const project = s.jsonObject(nestCli, ['projects'], 'nest-cli.json').properties.find((p) => s.nameOf(p) === lib);
  if (project && /"type"\s*:\s*"application"/.test(project.initializer.getText(nestCli))) {
    throw new Refusal(`entity: "${lib}" is an app; entities live in a lib (--lib <lib>, nest g: -p <lib>).`);
  }
  if (['core', 'testing'].includes(lib)) {
    throw new Refusal(`entity: libs/${lib} holds no entities; choose a feature lib.`);
  }
  if (!tree.exists(`libs/${lib}/src/index.ts`)) {
    throw new Refusal(`entity: there is no lib "${lib}" (libs/${lib}/src/index.ts); create it first with \`lib ${lib}\`.`);
  }
  return lib;
}

/** The next migration timestamp: now, or after the newest one if the clock is behind it. */
function nextTimestamp(tree) {
  const stamps = tree.getDir(MIGRATIONS_DIR).subfiles.map((f) => /^(\d{13})-/.exec(f)).filter(Boolean).map((m) => Number(m[1]));
  return Math.max(Date.now(), ...stamps.map((t) => t + 1));
}

/** `entity <name> --lib <lib>`: the entity in its lib, in <LIB>_ENTITIES (and so in ENTITIES), and the migration that creates its table. */
function entity(options) {
  return (tree) => {
    const name = checkName('entity', options.name);
    const lib = libOf(tree, options);
    const table = plural(name).replace(/-/g, '_');
    const stamp = nextTimestamp(tree);
    const migrationClass = `${pascal(plural(name))}${stamp}`;
    const migrationFile = `${stamp}-${plural(name)}`;
    const libConst = `${constant(lib)}_ENTITIES`;
    const n = { ...namesOf(name), lib, table, migrationClass, migrationFile, libConst };
    const entityFile = `libs/${lib}/src/${name}/${name}.entity.ts`;
    if (tree.exists(entityFile)) {
      throw new Refusal(`entity: ${entityFile} already exists.`);
    }
    // A class of that name anywhere in the lib (exported or not) would make two entities one name.
    const declared = new RegExp(`\\bclass ${n.className}\\b`);
    tree.getDir(`libs/${lib}/src`).visit((path) => {
      if (path.endsWith('.ts') && declared.test(tree.read(path).toString('utf8'))) {
        throw new Refusal(`entity: ${path.replace(/^\//, '')} already declares a class ${n.className}.`);
      }
    });
    tree.getDir(MIGRATIONS_DIR).visit((path) => {
      if (new RegExp(`(CREATE TABLE|createTable)[^"'\\n]*["'\`]${table}["'\`]`).test(tree.read(path).toString('utf8'))) {
        throw new Refusal(`entity: a migration already creates a table "${table}" (${path.replace(/^\//, '')}).`);
      }
    });
    s.required(s.variableLiteral(s.parseTs(MIGRATIONS_INDEX, s.read(tree, MIGRATIONS_INDEX)), 'MIGRATIONS'), MIGRATIONS_INDEX, 'const MIGRATIONS');
    s.required(s.variableLiteral(s.parseTs(CORE_ENTITIES, s.read(tree, CORE_ENTITIES)), 'ENTITIES'), CORE_ENTITIES, 'const ENTITIES');
    const libIndex = `libs/${lib}/src/index.ts`;
    const libEntities = `libs/${lib}/src/entities.ts`;
    if (tree.exists(libEntities)) {
      s.required(s.variableLiteral(s.parseTs(libEntities, s.read(tree, libEntities)), libConst), libEntities, `const ${libConst}`);
    }

    return chain([
      mergeWith(apply(url('./files'), [applyTemplates(n), move('.')])),
      (t) => {
        const importEntity = `import { ${n.className} } from './${name}/${name}.entity.js';`;
        if (t.exists(libEntities)) {
          s.editTs(
            t,
            libEntities,
            (text, sf) => s.addImport(text, sf, importEntity),
            (text, sf) => s.appendToLiteral(text, sf, s.variableLiteral(sf, libConst), n.className),
          );
        } else {
          t.create(libEntities, `${importEntity}\n\n/** The ${lib} lib's tables; \`ENTITIES\` in libs/core lists every lib's. */\nexport const ${libConst} = [${n.className}];\n`);
          appendLine(t, libIndex, `export { ${libConst} } from './entities.js';`);
          s.editTs(
            t,
            CORE_ENTITIES,
            (text, sf) => s.addImport(text, sf, `import { ${libConst} } from '@app/${lib}';`),
            (text, sf) => s.appendToLiteral(text, sf, s.variableLiteral(sf, 'ENTITIES'), `...${libConst}`),
          );
        }
        appendLine(t, libIndex, `export { ${n.className} } from './${name}/${name}.entity.js';`);
        s.editTs(
          t,
          MIGRATIONS_INDEX,
          (text, sf) => s.addImport(text, sf, `import { ${migrationClass} } from './${migrationFile}.js';`),
          (text, sf) => s.appendToLiteral(text, sf, s.variableLiteral(sf, 'MIGRATIONS'), migrationClass),
        );
        return t;
      },
    ]);
  };
}

function appendLine(tree, path, line) {
  const text = s.read(tree, path);
  tree.overwrite(path, `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}${line}\n`);
}

exports.entity = entry('entity', entity);
