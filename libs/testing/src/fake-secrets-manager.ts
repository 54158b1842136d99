import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** How the fake answers GetSecretValue for one secret id. */
export type FakeSecretAnswer =
  | { readonly secretString: string }
  /** A service error as AWS sends it: `{"__type": type, "message": ...}` with this status (default 400). */
  | { readonly error: string; readonly message: string; readonly status?: number }
  /** Accepts the request and never answers (for timeouts). */
  | 'hang';

/**
 * A local stand-in for AWS Secrets Manager, speaking the GetSecretValue call of its JSON protocol
 * as the service does (POST /, `X-Amz-Target: secretsmanager.GetSecretValue`, body `{"SecretId"}`),
 * so the real SDK is tested end to end without a cloud: point AWS_ENDPOINT_URL_SECRETS_MANAGER at
 * `url`. Unknown ids get the service's ResourceNotFoundException.
 */
export class FakeSecretsManager {
  /** Every request's X-Amz-Target and SecretId, in order. */
  readonly requests: { target: string | undefined; secretId: unknown }[] = [];
  private readonly answers = new Map<string, FakeSecretAnswer>();
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeSecretsManager> {
    let fake: FakeSecretsManager | undefined;
    const server = createServer((req, res) => void fake!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    fake = new FakeSecretsManager(server, `http://127.0.0.1:${port}`);
    return fake;
  }

  answer(secretId: string, answer: FakeSecretAnswer): void {
    this.answers.set(secretId, answer);
  }

  async close(): Promise<void> {
    this.hanging.forEach((res) => res.destroy());
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) {
      body += String(chunk);
    }
    const target = req.headers['x-amz-target'] as string | undefined;
    let secretId: unknown;
    try {
      secretId = (JSON.parse(body) as { SecretId?: unknown }).SecretId;
    } catch {
      secretId = undefined;
    }
    this.requests.push({ target, secretId });
    if (req.method !== 'POST' || req.url !== '/' || target !== 'secretsmanager.GetSecretValue') {
      return this.send(res, 400, { __type: 'UnknownOperationException', message: `unexpected ${req.method} ${req.url} ${target}` });
    }
    const answer = typeof secretId === 'string' ? this.answers.get(secretId) : undefined;
    if (answer === 'hang') {
      this.hanging.add(res);
      return;
    }
    if (!answer) {
      return this.send(res, 400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
    }
    if ('error' in answer) {
      return this.send(res, answer.status ?? 400, { __type: answer.error, message: answer.message });
    }
    const name = secretId as string;
    this.send(res, 200, {
      ARN: `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`,
      Name: name,
      VersionId: '00000000-0000-0000-0000-000000000001',
      SecretString: answer.secretString,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: 1764400000,
    });
  }

  private send(res: ServerResponse, status: number, body: object): void {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': '00000000-0000-0000-0000-000000000000' });
    res.end(JSON.stringify(body));
  }
}
