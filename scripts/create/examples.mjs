// "Keep the example pages? no": what is removed from the NEW project (never from the starter).
//
// The example is the status page (/status: PostgreSQL version, time and applied migrations).
// The template keeps changing, so every edit below names the exact text it expects and the
// create command stops (exit 1, nothing left behind) when that text is gone, instead of leaving
// a half-edited project. After the edits, LEFTOVERS must match nowhere in the copy: a new
// reference to the status page somewhere else fails loudly too. When the starter changes,
// update this list; apps/cli/test/create.e2e-spec.ts creates a project with --no-examples and
// type-checks it.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const EXAMPLE_REMOVALS = [
  { delete: 'apps/api/src/web/status.controller.ts' },
  { delete: 'apps/api/src/web/system-status.service.ts' },
  { delete: 'apps/api/views/status.njk' },
  {
    file: 'apps/api/src/web/web.module.ts',
    edits: [
      { remove: "import { StatusController } from './status.controller.js';\n" },
      { remove: "import { SystemStatusService } from './system-status.service.js';\n" },
      { remove: ', StatusController' },
      { remove: '  providers: [SystemStatusService],\n' },
    ],
  },
  {
    file: 'apps/api/views/layout.njk',
    edits: [{ remove: /^[ \t]*<li class="nav-item"><a class="nav-link" href="\/status">Status<\/a><\/li>\n/m }],
  },
  // Tests: only what exercises the status page goes; the rest of each file stays.
  {
    file: 'apps/api/test/pages.e2e-spec.ts',
    edits: [{ removeTest: 'serves a database-backed status page' }],
  },
  {
    file: 'apps/api/test/sessions.e2e-spec.ts',
    edits: [{ remove: "'/status', " }],
  },
  {
    // One of the signed-in pages checked for Cache-Control: no-store.
    file: 'apps/api/test/review-holes.e2e-spec.ts',
    edits: [{ remove: "'/status', " }],
  },
  {
    // The outage test used /status as its database-backed page; without it, readiness
    // (/health/ready) is what shows the outage and the recovery.
    file: 'apps/api/test/database-outage.e2e-spec.ts',
    edits: [
      { remove: "    await http.get('/status').expect(200);\n" },
      {
        remove:
          "    const page = await http.get('/status').set('Accept', 'text/html');\n" +
          '    expect(page.status).toBe(503);\n' +
          "    expect(page.text).toContain('Service unavailable');\n" +
          "    expect(page.headers['retry-after']).toBe('5');\n" +
          '\n' +
          "    const api = await http.get('/status').set('Accept', 'application/json');\n" +
          '    expect(api.status).toBe(503);\n' +
          "    expect(api.body.code).toBe('service_unavailable');\n" +
          '\n',
      },
      {
        remove: "    const res = await http.get('/status').expect(200);\n    expect(res.text).toContain('Init1764220000000');\n",
      },
    ],
  },
];

/** Any of these left in the copy after the removals means the list above is out of date. */
export const LEFTOVERS = [
  /\bStatusController\b/,
  /\bSystemStatus(Service)?\b/,
  /status\.controller/,
  /system-status/,
  /['"`]\/status['"`/?]/,
  /href="\/status"/,
  /@Render\(['"]status['"]\)/,
];

/** Folders searched for LEFTOVERS (text files only). */
const SEARCHED = /^(apps|libs)\/.*\.(ts|njk|html|json)$/;

export class TemplateDriftError extends Error {}

/** Applies EXAMPLE_REMOVALS to the project in `dir` whose files are `files` (relative paths). */
export async function removeExamples(dir, files) {
  for (const step of EXAMPLE_REMOVALS) {
    if (step.delete) {
      if (!files.includes(step.delete)) {
        throw new TemplateDriftError(`example file ${step.delete} not found in the template`);
      }
      await rm(join(dir, step.delete));
      continue;
    }
    if (!files.includes(step.file)) {
      throw new TemplateDriftError(`${step.file} not found in the template`);
    }
    const path = join(dir, step.file);
    let text = await readFile(path, 'utf8');
    for (const edit of step.edits) {
      text = applyEdit(text, edit, step.file);
    }
    await writeFile(path, text);
  }
  const remaining = files.filter((f) => SEARCHED.test(f) && !EXAMPLE_REMOVALS.some((s) => s.delete === f));
  for (const file of remaining) {
    const text = await readFile(join(dir, file), 'utf8');
    const hit = LEFTOVERS.find((re) => re.test(text));
    if (hit) {
      throw new TemplateDriftError(`${file} still refers to the example status page (${hit}); update scripts/create/examples.mjs`);
    }
  }
}

function applyEdit(text, edit, file) {
  if (edit.removeTest) {
    return removeTestCase(text, edit.removeTest, file);
  }
  const anchor = edit.remove;
  if (typeof anchor === 'string') {
    const at = text.indexOf(anchor);
    if (at < 0 || text.indexOf(anchor, at + 1) >= 0) {
      throw new TemplateDriftError(`${file}: expected exactly one ${JSON.stringify(anchor)}`);
    }
    return text.slice(0, at) + text.slice(at + anchor.length);
  }
  const matches = text.match(new RegExp(anchor.source, anchor.flags.includes('g') ? anchor.flags : `${anchor.flags}g`));
  if (!matches || matches.length !== 1) {
    throw new TemplateDriftError(`${file}: expected exactly one match of ${anchor}`);
  }
  return text.replace(anchor, '');
}

/**
 * Removes one `it('<title>', ...)` block: from its line to the first line that closes it at
 * the same indentation (`});`), plus one blank line before it.
 */
function removeTestCase(text, title, file) {
  const lines = text.split('\n');
  const start = lines.findIndex(
    (l) => /^\s*it\(/.test(l) && (l.includes(`'${title}'`) || l.includes(`"${title}"`) || l.includes(`\`${title}\``)),
  );
  if (start < 0 || lines.findIndex((l, i) => i > start && /^\s*it\(/.test(l) && l.includes(title)) >= 0) {
    throw new TemplateDriftError(`${file}: expected exactly one test "${title}"`);
  }
  const indent = /^\s*/.exec(lines[start])[0];
  const end = lines.findIndex((l, i) => i > start && l === `${indent}});`);
  if (end < 0) {
    throw new TemplateDriftError(`${file}: the end of test "${title}" was not found`);
  }
  const from = start > 0 && lines[start - 1].trim() === '' ? start - 1 : start;
  lines.splice(from, end - from + 1);
  return lines.join('\n');
}
