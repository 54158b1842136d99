import type { NestExpressApplication } from '@nestjs/platform-express';
import { startSessionApp } from '../../../api/test/support/session-app.js';
import { MailProbeModule } from './mail-probe.js';

/**
 * The api's HTTP stack (shared core with queue and mail, the one error filter, sessions) plus
 * probe routes that send mail and fail on purpose, without the accounts layer, whose access
 * guard and CSRF check would rightly refuse made-up probe requests.
 */
export function startMailApi(env: Record<string, string | undefined>): Promise<NestExpressApplication> {
  return startSessionApp({ env, imports: [MailProbeModule] });
}
