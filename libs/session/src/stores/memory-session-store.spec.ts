import { CONFORMANCE_LIFETIME, describeSessionStoreContract } from '../../test/session-store.conformance.js';
import { MemorySessionStore } from './memory-session-store.js';

describeSessionStoreContract('MemorySessionStore', async () => {
  const backing = new Map<string, string>();
  return {
    store: new MemorySessionStore(CONFORMANCE_LIFETIME, backing),
    corrupt: async (id, kind) => {
      const json = backing.get(id)!;
      backing.set(id, kind === 'garbage' ? '\u0000\u00ff not json' : json.slice(0, json.length / 2));
    },
    footprint: async () => backing.size,
    teardown: async () => undefined,
  };
});
