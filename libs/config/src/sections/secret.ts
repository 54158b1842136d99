/** Schema class → the names of its variables marked `@Secret()`. */
const marked = new WeakMap<object, Set<string>>();

/**
 * Marks a variable as a secret. A secret may also be given as `<NAME>_FILE`, a path whose content
 * is the value (Docker and Kubernetes mount secrets as files), or come from the AWS Secrets Manager
 * source; the loader derives its list from these marks, so a new secret needs nothing else.
 * Mark anything that holds a credential, including URLs that may carry a password.
 */
export function Secret(): PropertyDecorator {
  return (target, key) => {
    const names = marked.get(target.constructor) ?? new Set<string>();
    names.add(String(key));
    marked.set(target.constructor, names);
  };
}

/** The variables of one schema class marked `@Secret()`. */
export function secretProperties(schema: new () => object): string[] {
  return [...(marked.get(schema) ?? [])];
}
