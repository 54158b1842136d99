import dotenv from 'dotenv';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { ConfigSourceError } from './config-source.error.js';

/** A `.env` line: blank, a comment, or `NAME=` (optionally `export NAME=`). */
const DOTENV_LINE = /^\s*(?:#.*|(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=.*)?$/;

/**
 * The file APP_SETTINGS names, as variables. JSON when the name ends in `.json` or the content
 * starts with `{`, `.env` syntax otherwise. A missing, unreadable or unparsable file is an error
 * (a named settings file that silently does nothing would hide a broken deployment). Messages
 * never quote the content: the file may hold secrets.
 */
export function readSettingsFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigSourceError([`APP_SETTINGS names ${path}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  const json = extname(path).toLowerCase() === '.json' || text.trimStart().startsWith('{');
  return json ? parseJson(path, text) : parseDotenv(path, text);
}

function parseJson(path: string, text: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text around the error; it could be a secret.
    throw new ConfigSourceError([`APP_SETTINGS file ${path} is not valid JSON`]);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigSourceError([`APP_SETTINGS file ${path} must hold one JSON object of variable names`]);
  }
  const vars: Record<string, string> = {};
  const bad: string[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    // Hand-written files say `"PORT": 3000`; what the environment could not hold is refused.
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      vars[name] = String(value);
    } else {
      bad.push(name);
    }
  }
  if (bad.length > 0) {
    throw new ConfigSourceError([`APP_SETTINGS file ${path}: the value of ${bad.join(', ')} must be a string, number or boolean`]);
  }
  return vars;
}

function parseDotenv(path: string, text: string): Record<string, string> {
  // dotenv skips what it cannot parse; a settings file is checked line by line instead.
  const lines = text.split(/\r?\n/);
  let openQuote: string | undefined;
  for (const [i, line] of lines.entries()) {
    if (openQuote) {
      if (line.includes(openQuote)) {
        openQuote = undefined;
      }
      continue;
    }
    if (!DOTENV_LINE.test(line)) {
      throw new ConfigSourceError([`APP_SETTINGS file ${path} line ${i + 1} is not NAME=value (nor JSON)`]);
    }
    const value = /=\s*(["'`])(.*)$/.exec(line);
    if (value && !value[2].includes(value[1])) {
      openQuote = value[1]; // a quoted value that goes on over the next lines
    }
  }
  if (openQuote) {
    throw new ConfigSourceError([`APP_SETTINGS file ${path} has a quoted value that is never closed`]);
  }
  return dotenv.parse(text);
}
