import { getMetadataArgsStorage } from 'typeorm';
import { ENTITIES } from './entities.js';

describe('ENTITIES', () => {
  it('holds every @Entity class declared in the libs, and nothing twice', async () => {
    // Loading every lib's public surface registers each entity class TypeORM knows about.
    const { readdir } = await import('node:fs/promises');
    const libs = await readdir(new URL('../../', import.meta.url));
    for (const lib of libs.filter((name) => !['testing', 'core'].includes(name))) {
      await import(`@app/${lib}`);
    }
    const declared = getMetadataArgsStorage()
      .tables.filter((table) => table.type === 'regular' && typeof table.target === 'function')
      .map((table) => table.target as Function);
    expect(declared.length).toBeGreaterThan(0);
    const missing = declared.filter((entity) => !ENTITIES.includes(entity)).map((entity) => entity.name);
    expect(missing).toEqual([]);
    expect(new Set(ENTITIES).size).toBe(ENTITIES.length);
  });
});
