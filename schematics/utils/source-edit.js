'use strict';
const ts = require('typescript');
const { Refusal } = require('./refusal.js');

/*
 * Edits to existing files are made at named declarations found with the TypeScript parser
 * (`JobPayloads`, `JOBS`, the module's `providers`, tsconfig's `paths` ...), not at line numbers
 * or by regular expression: formatting, comments and reordering do not move them. When the
 * declaration is missing the generator refuses, naming the file and what it looked for, and
 * writes nothing. Every edited file is parsed again before it is accepted.
 */

function read(tree, path) {
  const buffer = tree.read(path);
  if (!buffer) {
    throw new Refusal(`${path} is missing: run the generator from the project root.`);
  }
  return buffer.toString('utf8');
}

const parseTs = (path, text) => ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
const parseJson = (path, text) => ts.parseJsonText(path, text);

function unwrap(node) {
  while (node && (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node))) {
    node = node.expression;
  }
  return node;
}

function findNode(root, predicate) {
  let found;
  const visit = (node) => {
    if (found) return;
    if (predicate(node)) { found = node; return; }
    ts.forEachChild(node, visit);
  };
  visit(root);
  return found;
}

const nameOf = (node) => (node && node.name && (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)) ? node.name.text : undefined);

/** The array or object literal a `const <name> = ...` holds. */
function variableLiteral(sf, name) {
  const decl = findNode(sf, (n) => ts.isVariableDeclaration(n) && nameOf(n) === name);
  const init = unwrap(decl && decl.initializer);
  return init && (ts.isArrayLiteralExpression(init) || ts.isObjectLiteralExpression(init)) ? init : undefined;
}

/** The array or object literal of the first property `<name>: ...` (optionally: that satisfies `accept`). */
function propertyLiteral(root, name, accept = () => true) {
  const prop = findNode(root, (n) => {
    if (!ts.isPropertyAssignment(n) || nameOf(n) !== name) return false;
    const init = unwrap(n.initializer);
    return (ts.isArrayLiteralExpression(init) || ts.isObjectLiteralExpression(init)) && accept(init);
  });
  return prop && unwrap(prop.initializer);
}

function interfaceOf(sf, name) {
  return findNode(sf, (n) => ts.isInterfaceDeclaration(n) && nameOf(n) === name);
}

function lineIndent(text, pos) {
  const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))[0];
}

const lineOf = (sf, pos) => sf.getLineAndCharacterOfPosition(pos).line;

/**
 * Appends `item` to an array or object literal, in its style: one more line (with the trailing
 * comma the others have) when the literal spans lines, `, item` when it is on one line.
 */
function appendToLiteral(text, sf, literal, item) {
  const elements = ts.isArrayLiteralExpression(literal) ? literal.elements : literal.properties;
  const open = literal.getStart(sf);
  const close = literal.end - 1;
  if (elements.length === 0) {
    const inner = ts.isArrayLiteralExpression(literal) ? item : ` ${item} `;
    return text.slice(0, open + 1) + inner + text.slice(close);
  }
  const last = elements[elements.length - 1];
  if (lineOf(sf, close) > lineOf(sf, last.end)) {
    const indent = lineIndent(text, last.getStart(sf));
    const item2 = item.split('\n').join(`\n${indent}`);
    if (elements.hasTrailingComma) {
      const comma = text.indexOf(',', last.end);
      return text.slice(0, comma + 1) + `\n${indent}${item2},` + text.slice(comma + 1);
    }
    return text.slice(0, last.end) + `,\n${indent}${item2}` + text.slice(last.end);
  }
  return text.slice(0, last.end) + `, ${item}` + text.slice(last.end);
}

/** Adds a member (possibly with its JSDoc, several lines) at the end of an interface. */
function appendMember(text, sf, iface, member) {
  const members = iface.members;
  if (members.length === 0) {
    const close = iface.end - 1;
    return text.slice(0, close) + `  ${member.split('\n').join('\n  ')}\n` + text.slice(close);
  }
  const last = members[members.length - 1];
  const indent = lineIndent(text, last.getStart(sf));
  return text.slice(0, last.end) + `\n${indent}${member.split('\n').join(`\n${indent}`)}` + text.slice(last.end);
}

/** Adds an import after the last import (or at the top). */
function addImport(text, sf, line) {
  const imports = sf.statements.filter((s) => ts.isImportDeclaration(s));
  if (imports.length === 0) {
    return `${line}\n${text}`;
  }
  const end = imports[imports.length - 1].end;
  return text.slice(0, end) + `\n${line}` + text.slice(end);
}

function checkTs(path, text) {
  const sf = parseTs(path, text);
  if (sf.parseDiagnostics && sf.parseDiagnostics.length > 0) {
    throw new Refusal(`${path}: the edit would not parse (${ts.flattenDiagnosticMessageText(sf.parseDiagnostics[0].messageText, ' ')}); nothing written.`);
  }
  return text;
}

function checkJson(path, text) {
  const sf = parseJson(path, text);
  if (sf.parseDiagnostics && sf.parseDiagnostics.length > 0) {
    throw new Refusal(`${path}: the edit would not parse; nothing written.`);
  }
  return text;
}

/**
 * Edits a TypeScript file in the tree: `edit(text, sf, helpers)` returns the new text; called
 * repeatedly with the re-parsed file when given several steps.
 */
function editTs(tree, path, ...steps) {
  let text = read(tree, path);
  for (const step of steps) {
    text = step(text, parseTs(path, text));
  }
  tree.overwrite(path, checkTs(path, text));
}

function editJson(tree, path, ...steps) {
  let text = read(tree, path);
  for (const step of steps) {
    text = step(text, parseJson(path, text));
  }
  tree.overwrite(path, checkJson(path, text));
}

/** The object literal under a top-level JSON key path, e.g. ['compilerOptions', 'paths']. */
function jsonObject(sf, keys, path) {
  let node = sf.statements[0] && sf.statements[0].expression;
  for (const key of keys) {
    const prop = node && ts.isObjectLiteralExpression(node) ? node.properties.find((p) => nameOf(p) === key) : undefined;
    node = prop && prop.initializer;
  }
  if (!node || !ts.isObjectLiteralExpression(node)) {
    throw new Refusal(`${path}: no "${keys.join('.')}" object to add to; nothing written.`);
  }
  return node;
}

function jsonHasKey(sf, keys, key) {
  return jsonObject(sf, keys).properties.some((p) => nameOf(p) === key);
}

/** Refuses when a declaration the generator edits is not where it expects. */
function required(node, path, what) {
  if (!node) {
    throw new Refusal(`${path}: cannot find ${what} to add to; nothing written.`);
  }
  return node;
}

module.exports = {
  ts, read, parseTs, parseJson, variableLiteral, propertyLiteral, interfaceOf, appendToLiteral, appendMember, addImport,
  editTs, editJson, jsonObject, jsonHasKey, required, nameOf, findNode,
};
