/**
 * The only door to `process.env` outside Nest's ConfigModule: scripts, the CLI and test helpers
 * that run before (or without) an application use this, so a grep shows every reader.
 */
export function processEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
