import type { MailTemplateName, MailTemplates } from './mail-templates.js';

/**
 * Sample data for every mail template: what `npm run cli -- mail:preview <name>` renders and what
 * the renderer's tests render. Typed by `MailTemplates`, so a new template does not compile
 * without a sample (the `mail` generator adds one). Made-up people, addresses and tokens only.
 */
export const MAIL_SAMPLES: { readonly [T in MailTemplateName]: MailTemplates[T] } = {
  'confirm-email': {
    firstName: 'Ada',
    confirmUrl: 'https://app.example.org/confirm-email?token=sample-confirm-token',
    expiresInHours: 48,
  },
  'reset-password': {
    firstName: 'Ada',
    resetUrl: 'https://app.example.org/reset-password?token=sample-reset-token',
    expiresInMinutes: 60,
  },
  'password-changed': { firstName: 'Ada', resetUrl: 'https://app.example.org/forgot-password' },
  'email-changed': { firstName: 'Ada', newEmailHint: 'a***@example.net', loginUrl: 'https://app.example.org/login' },
  'account-exists': {
    firstName: 'Ada',
    loginUrl: 'https://app.example.org/login',
    resetUrl: 'https://app.example.org/forgot-password',
  },
  invitation: {
    firstName: 'Ada',
    inviteUrl: 'https://app.example.org/accept-invitation?token=sample-invite-token',
    expiresInHours: 48,
  },
  test: { requestedAt: '2026-11-27T08:00:00.000Z' },
  'error-report': {
    environment: 'production',
    fingerprint: '3f9a1c0b7e2d',
    source: 'http',
    errorName: 'TypeError',
    message: "Cannot read properties of undefined (reading 'id')",
    stack: "TypeError: Cannot read properties of undefined (reading 'id')\n    at InvoicesController.show (apps/api/src/invoices/invoices.controller.ts:42:18)",
    occurredAt: '2026-11-27T08:00:00.000Z',
    method: 'GET',
    route: '/invoices/:id',
    requestId: 'req-7d1c2f',
  },
};
