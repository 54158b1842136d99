'use strict';
const { Refusal } = require('./refusal.js');

/** Kebab-case: a letter first, then letters, digits and single hyphens (no trailing hyphen). */
const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Names that would shadow a JavaScript/TypeScript keyword or a global as a class or file. */
const RESERVED = new Set(['constructor', 'prototype', 'default', 'function', 'class', 'new', 'delete', 'import', 'export', 'module', 'object', 'string', 'number', 'boolean']);

function checkName(kind, name) {
  if (typeof name !== 'string' || name === '') {
    throw new Refusal(`${kind}: a name is required, e.g. \`nest g -c ./schematics ${kind} send-report\`.`);
  }
  if (!NAME.test(name)) {
    throw new Refusal(`${kind}: "${name}" is not a valid name: use kebab-case, a letter first (e.g. send-report).`);
  }
  if (RESERVED.has(name)) {
    throw new Refusal(`${kind}: "${name}" is a reserved word; choose another name.`);
  }
  return name;
}

const pascal = (name) => name.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
const camel = (name) => { const p = pascal(name); return p[0].toLowerCase() + p.slice(1); };
const snake = (name) => name.replace(/-/g, '_');
const constant = (name) => snake(name).toUpperCase();
const words = (name) => name.replace(/-/g, ' ');
const title = (name) => { const w = words(name); return w[0].toUpperCase() + w.slice(1); };

/** English plural of the last word, enough for table names (invoice → invoices, entry → entries). */
function plural(name) {
  if (/[^aeiou]y$/.test(name)) return name.slice(0, -1) + 'ies';
  if (/(s|x|z|ch|sh)$/.test(name)) return name + 'es';
  return name + 's';
}

function namesOf(name) {
  return { name, className: pascal(name), propertyName: camel(name), constName: constant(name), snakeName: snake(name), words: words(name), title: title(name) };
}

module.exports = { checkName, namesOf, pascal, camel, snake, constant, plural };
