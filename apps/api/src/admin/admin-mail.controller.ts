import { Controller, Get, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import { AuditLog } from '@app/audit';
import { Roles } from '@app/auth';
import { OUTBOX_STATUSES, OutboxAdmin } from '@app/mail';
import { HttpSessionService } from '@app/session-http';
import type { Request, Response } from 'express';
import { OutboxQuery } from './admin-queue-forms.js';
import { UUID } from './admin-query-fields.js';

/**
 * The preview document's own policy. It is our template with made-up data, shown in an
 * `<iframe sandbox>` (no script, an opaque origin), and mail HTML is styled inline (mail clients
 * ignore stylesheets), so this one response allows inline styles and nothing else: no script, no
 * fetch, no form, no plugin; `sandbox` applies even if the URL is opened on its own. It may be
 * framed by our own pages only; every other response keeps helmet's `frame-ancestors 'none'`.
 */
export const MAIL_PREVIEW_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
  'sandbox',
].join('; ');

/** The mail: the outbox (what went out, what failed, a second chance) and every template, previewed. */
@Roles('admin')
@Controller('admin/mail')
export class AdminMailController {
  constructor(
    private readonly mail: OutboxAdmin,
    private readonly browser: HttpSessionService,
    private readonly audit: AuditLog,
  ) {}

  @Get()
  async outbox(@Query() query: OutboxQuery, @Res() res: Response) {
    const status = query.status;
    const list = await this.mail.list(status, query.page ?? 1);
    res.render('admin/mail-outbox', { title: 'Mail', status: status ?? '', statuses: OUTBOX_STATUSES, ...list });
  }

  @Get('outbox/:id')
  async message(@Param('id') id: string, @Res() res: Response) {
    const message = UUID.test(id) ? await this.mail.message(id) : null;
    if (!message) {
      throw new NotFoundException('There is no such mail.');
    }
    res.render('admin/mail-message', { title: message.subject || message.template, message });
  }

  @Post('outbox/:id/resend')
  async resend(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const result = UUID.test(id) ? await this.mail.resend(id) : 'missing';
    if (result === 'missing') {
      throw new NotFoundException('There is no such mail.');
    }
    if (result === 'queued') {
      await this.audit.record({ action: 'mail.resent', target: { type: 'mail', id } }); // after: the job is in the queue, not our transaction
      this.browser.flash(req, 'success', 'The mail is queued to be sent again.');
    } else {
      this.browser.flash(req, 'warning', 'Only a failed mail is sent again; this one is not failed (anymore).');
    }
    res.redirect(303, `/admin/mail/outbox/${id}`);
  }

  @Get('templates')
  templates(@Res() res: Response) {
    res.render('admin/mail-templates', { title: 'Mail templates', templates: this.mail.templates() });
  }

  @Get('templates/:name')
  template(@Param('name') name: string, @Res() res: Response) {
    const preview = this.mail.preview(name);
    if (!preview) {
      throw new NotFoundException('There is no such mail template.');
    }
    res.render('admin/mail-template', { title: `Mail: ${name}`, name, preview, templates: this.mail.templates() });
  }

  /** The HTML part alone, for the preview's sandboxed iframe. */
  @Get('templates/:name/html')
  templateHtml(@Param('name') name: string, @Res() res: Response) {
    const preview = this.mail.preview(name);
    if (!preview) {
      throw new NotFoundException('There is no such mail template.');
    }
    res.setHeader('Content-Security-Policy', MAIL_PREVIEW_CSP);
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(preview.html);
  }
}
