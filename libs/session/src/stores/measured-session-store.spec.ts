import { metricSum } from '@app/testing';
import { scrape } from '@app/metrics';
import { CONFORMANCE_LIFETIME, describeSessionStoreContract } from '../../test/session-store.conformance.js';
import { MeasuredSessionStore } from './measured-session-store.js';
import { MemorySessionStore } from './memory-session-store.js';

// Delegating only, it keeps every promise of the store it wraps.
describeSessionStoreContract('MeasuredSessionStore(MemorySessionStore)', async () => {
  const backing = new Map<string, string>();
  return {
    store: new MeasuredSessionStore(new MemorySessionStore(CONFORMANCE_LIFETIME, backing), 'memory'),
    corrupt: async (id, kind) => {
      const json = backing.get(id)!;
      backing.set(id, kind === 'garbage' ? '\u0000\u00ff not json' : json.slice(0, json.length / 2));
    },
    footprint: async () => backing.size,
    teardown: async () => undefined,
  };
});

describe('MeasuredSessionStore metrics', () => {
  const text = async () => (await scrape()).body;

  it('times each operation and counts failures, passing the error on unchanged', async () => {
    const inner = new MemorySessionStore(CONFORMANCE_LIFETIME);
    const broken = new Error('backing service down');
    inner.listByUser = () => Promise.reject(broken);
    const store = new MeasuredSessionStore(inner, 'unit');
    const before = await text();

    await store.get('a'.repeat(43));
    await store.get('b'.repeat(43));
    await expect(store.listByUser('u1')).rejects.toBe(broken);

    const after = await text();
    const delta = (name: string, labels: Record<string, string>) => metricSum(after, name, labels) - metricSum(before, name, labels);
    expect(delta('session_store_operation_duration_seconds_count', { store: 'unit', operation: 'get', outcome: 'ok' })).toBe(2);
    expect(delta('session_store_operation_duration_seconds_count', { store: 'unit', operation: 'listByUser', outcome: 'error' })).toBe(1);
    expect(delta('session_store_errors_total', { store: 'unit', operation: 'listByUser' })).toBe(1);
    expect(delta('session_store_errors_total', { store: 'unit', operation: 'get' })).toBe(0);
  });
});
