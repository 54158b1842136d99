// The import graph between libs, and the check `npm test` runs on it: lib imports must form a
// graph without cycles (apps → feature libs → infrastructure libs → config), and no lib may
// import an app. Test files are left out: they may use any lib (and libs/testing).
//
// Why a script of our own rather than madge or dependency-cruiser: every cross-lib import is
// written `@app/<lib>` (ESLint forbids deep paths), so the graph is a regex away, and this runs in
// about 50 ms with no dependency and no resolver configuration to keep in step with tsconfig.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"]@app\/([a-z0-9-]+)['"]|import\(\s*['"]@app\/([a-z0-9-]+)['"]\s*\)/g;
const TEST_FILE = /\.(spec|int-spec|e2e-spec)\.ts$/;

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return sourceFiles(path);
    }
    return entry.name.endsWith('.ts') && !TEST_FILE.test(entry.name) ? [path] : [];
  });
}

/** lib name → (imported lib → the first file that imports it), from `<root>/libs/<lib>/src`. */
export function libGraph(root) {
  const graph = new Map();
  for (const lib of readdirSync(join(root, 'libs'))) {
    const edges = new Map();
    for (const file of sourceFiles(join(root, 'libs', lib, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(IMPORT)) {
        const target = match[1] ?? match[2];
        if (target !== lib && !edges.has(target)) {
          edges.set(target, relative(root, file));
        }
      }
    }
    graph.set(lib, edges);
  }
  return graph;
}

/** Every cycle between libs, each as the list of libs around it (first lib repeated at the end). */
export function libCycles(graph) {
  const cycles = [];
  const state = new Map(); // lib → 'open' while on the DFS path, 'done' after
  const path = [];
  const visit = (lib) => {
    state.set(lib, 'open');
    path.push(lib);
    for (const next of graph.get(lib)?.keys() ?? []) {
      if (state.get(next) === 'open') {
        cycles.push([...path.slice(path.indexOf(next)), next]);
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    path.pop();
    state.set(lib, 'done');
  };
  for (const lib of [...graph.keys()].sort()) {
    if (!state.has(lib)) {
      visit(lib);
    }
  }
  return cycles;
}

/** Problems as printable lines; empty when the graph is a clean tree of layers. */
export function checkLibGraph(root) {
  const graph = libGraph(root);
  const problems = libCycles(graph).map((cycle) => {
    const hops = cycle.slice(0, -1).map((lib, i) => `${lib} → ${cycle[i + 1]} (${graph.get(lib).get(cycle[i + 1])})`);
    return `import cycle between libs: ${hops.join(', ')}`;
  });
  for (const [lib, edges] of graph) {
    for (const [target, file] of edges) {
      if (!graph.has(target)) {
        problems.push(`${file} imports @app/${target}, which is not a lib under libs/`);
      }
      if (target === 'testing' && lib !== 'testing') {
        problems.push(`${file} imports @app/testing outside a test file`);
      }
    }
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = join(import.meta.dirname, '..');
  const problems = checkLibGraph(root);
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  if (process.argv.includes('--print')) {
    for (const [lib, edges] of [...libGraph(root)].sort()) {
      console.log(`${lib} → ${[...edges.keys()].sort().join(', ') || '(nothing)'}`);
    }
  }
}
