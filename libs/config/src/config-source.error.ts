/**
 * Thrown at boot when a configuration source cannot be used (a settings file, a `<NAME>_FILE`,
 * the AWS secret). Nothing of the configuration is applied then: the app never starts with half of
 * it. `problems` makes the apps print it as a user's problem, on one line, without a stack trace;
 * no message ever contains a value.
 */
export class ConfigSourceError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(problems.join('; '));
    this.problems = problems;
    this.name = 'ConfigSourceError';
  }
}
