import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The check `npm test` runs over the real tree (scripts/lib-graph.mjs); here it meets made-up trees.
// @ts-expect-error plain JavaScript module without types
import { checkLibGraph } from '../../../scripts/lib-graph.mjs';

const check = checkLibGraph as (root: string) => string[];

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'lib-graph-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}

describe('the lib import check', () => {
  const roots: string[] = [];
  afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

  it('passes the repository as it is', () => {
    expect(check(join(import.meta.dirname, '../../..'))).toEqual([]);
  });

  it('names every lib and file of a cycle, also through three libs and a dynamic import', async () => {
    const root = await tree({
      'libs/a/src/index.ts': "import { B } from '@app/b';\n",
      'libs/b/src/deep/b.ts': "export { C } from '@app/c';\n",
      'libs/c/src/index.ts': "const a = await import('@app/a');\n",
      'libs/d/src/index.ts': "import { A } from '@app/a';\n",
    });
    roots.push(root);
    expect(check(root)).toEqual(['import cycle between libs: a → b (libs/a/src/index.ts), b → c (libs/b/src/deep/b.ts), c → a (libs/c/src/index.ts)']);
  });

  it('ignores test files, and refuses @app/testing and unknown libs in sources', async () => {
    const root = await tree({
      'libs/a/src/index.ts': "import { helper } from '@app/testing';\nimport { X } from '@app/nowhere';\n",
      'libs/a/src/a.spec.ts': "import { B } from '@app/b';\n",
      'libs/b/src/index.ts': "import { A } from '@app/a';\n",
      'libs/testing/src/index.ts': '',
    });
    roots.push(root);
    expect(check(root).sort()).toEqual([
      'libs/a/src/index.ts imports @app/nowhere, which is not a lib under libs/',
      'libs/a/src/index.ts imports @app/testing outside a test file',
    ]);
  });
});
