import { ConfigSourceError } from './config-source.error.js';

export interface SecretsManagerSource {
  readonly secretId: string;
  /** Unset: the region in the secret's ARN, else the SDK's own lookup. */
  readonly region?: string;
  /** Unset: the SDK's (AWS_ENDPOINT_URL_SECRETS_MANAGER in the process environment, else AWS). */
  readonly endpoint?: string;
  /** The whole fetch, retries included. */
  readonly timeoutMs: number;
  /** Unset: the SDK's credential chain (environment, profile, container or instance role). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** The variables a secret may set; any other key is refused (a typo would otherwise do nothing). */
  readonly allowed: ReadonlySet<string>;
}

/**
 * The AWS Secrets Manager layer: one GetSecretValue call at boot, a JSON object whose keys are
 * variable names. Every way it can go wrong throws one line naming the secret, never a value, and
 * the caller applies nothing: an app never starts on half a configuration. The SDK (about 140 ms
 * to load) is imported only when a secret is configured.
 */
export async function fetchSecretVariables(source: SecretsManagerSource): Promise<Record<string, string>> {
  const what = `AWS Secrets Manager secret "${source.secretId}"`;
  const text = await getSecretString(source, what);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigSourceError([`${what} is not JSON (expected an object whose keys are variable names)`]);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigSourceError([`${what} must be a JSON object whose keys are variable names`]);
  }
  const entries = Object.entries(parsed);
  const unknown = entries.map(([name]) => name).filter((name) => !source.allowed.has(name));
  if (unknown.length > 0) {
    throw new ConfigSourceError([`${what} has keys that are not configuration variables: ${unknown.join(', ')}`]);
  }
  const notStrings = entries.filter(([, value]) => typeof value !== 'string').map(([name]) => name);
  if (notStrings.length > 0) {
    throw new ConfigSourceError([`${what}: the value of ${notStrings.join(', ')} must be a string`]);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

async function getSecretString(source: SecretsManagerSource, what: string): Promise<string> {
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({
    region: source.region ?? regionOfArn(source.secretId),
    endpoint: source.endpoint,
    credentials: source.credentials,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: source.timeoutMs, requestTimeout: source.timeoutMs },
  });
  const deadline = AbortSignal.timeout(source.timeoutMs);
  try {
    const answer = await client.send(new GetSecretValueCommand({ SecretId: source.secretId }), { abortSignal: deadline });
    if (typeof answer.SecretString !== 'string') {
      throw new ConfigSourceError([`${what} has no SecretString (a binary secret); store a JSON object of variables as text`]);
    }
    return answer.SecretString;
  } catch (error) {
    if (error instanceof ConfigSourceError) {
      throw error;
    }
    throw new ConfigSourceError([`${what} could not be fetched: ${describeFailure(error, deadline.aborted, source)}`]);
  } finally {
    client.destroy();
  }
}

function describeFailure(error: unknown, timedOut: boolean, source: SecretsManagerSource): string {
  if (timedOut) {
    return `no answer within ${source.timeoutMs} ms (AWS_SECRETS_MANAGER_TIMEOUT_MS)`;
  }
  const e = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  if (e.$metadata?.httpStatusCode) {
    // A service error: its type (AccessDeniedException, ResourceNotFoundException...) and message.
    return `${e.name ?? 'error'} (HTTP ${e.$metadata.httpStatusCode}): ${firstLine(e.message)}`;
  }
  const where = source.endpoint ? ` ${source.endpoint}` : '';
  // The SDK wraps an error from another realm (jest's vm contexts) into a bare message; the
  // system error code is still in its text.
  const message = firstLine(e.message).replace(/^AWS SDK error wrapper for (Error: )?/, '');
  const code = e.code ?? /\b(E[A-Z]{3,})\b/.exec(message)?.[1] ?? e.name ?? 'error';
  return `cannot reach the service${where} (${code}: ${message})`;
}

function firstLine(message: string | undefined): string {
  return (message ?? '').split('\n')[0].trim() || 'no message';
}

/** `arn:aws:secretsmanager:eu-west-1:123456789012:secret:name` → `eu-west-1`. */
function regionOfArn(secretId: string): string | undefined {
  return /^arn:[^:]+:secretsmanager:([^:]+):/.exec(secretId)?.[1];
}
