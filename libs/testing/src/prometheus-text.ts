interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** The samples of a scrape in Prometheus' text format (comments skipped). */
function samples(text: string): Sample[] {
  return text.split('\n').flatMap((line) => {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match) {
      return [];
    }
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    return [{ name: match[1], labels, value: Number(match[3]) }];
  });
}

function matching(text: string, name: string, labels: Record<string, string>): Sample[] {
  return samples(text).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The sum of one metric's samples whose labels include these (`{ route: '/login' }`: any method and status). */
export function metricSum(text: string, name: string, labels: Record<string, string> = {}): number {
  return matching(text, name, labels).reduce((sum, s) => sum + s.value, 0);
}

/** Whether the scrape has at least one such sample. */
export function hasMetric(text: string, name: string, labels: Record<string, string> = {}): boolean {
  return matching(text, name, labels).length > 0;
}

/** The distinct values one label takes across a metric's samples. */
export function labelValues(text: string, name: string, label: string): string[] {
  return [...new Set(matching(text, name, {}).map((s) => s.labels[label]).filter((v): v is string => v !== undefined))];
}
