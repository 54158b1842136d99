import { Controller, Get, Query, Res } from '@nestjs/common';
import { AUDIT_ACTIONS, AuditLog } from '@app/audit';
import { Roles } from '@app/auth';
import { validationFailed } from '@app/errors';
import type { Response } from 'express';
import { AuditQuery, auditFilterOf } from './admin-audit-query.js';

const EVENTS_PER_PAGE = 50;

/** The audit trail, newest first, filtered by user (address or id), action and time range. Admins only. */
@Roles('admin')
@Controller('admin/audit')
export class AdminAuditController {
  constructor(private readonly audit: AuditLog) {}

  @Get()
  async list(@Query() query: AuditQuery, @Res() res: Response) {
    const parsed = auditFilterOf(query);
    if ('errors' in parsed) {
      throw validationFailed(parsed.errors);
    }
    const page = query.page ?? 1;
    const result = await this.audit.search(parsed.filter, page, EVENTS_PER_PAGE);
    // The filters as the admin typed them, for the form and the paging links.
    const values = { user: query.user ?? '', action: query.action ?? '', from: query.from ?? '', to: query.to ?? '' };
    const linkTo = (p: number) => `/admin/audit?${new URLSearchParams({ ...values, page: String(p) }).toString()}`;
    res.setHeader('Cache-Control', 'no-store');
    res.render('admin/audit', {
      title: 'Audit trail',
      actions: AUDIT_ACTIONS,
      values,
      events: result.events.map((e) => ({ ...e, detailsText: Object.keys(e.details).length > 0 ? JSON.stringify(e.details) : '' })),
      page,
      previous: page > 1 ? linkTo(page - 1) : null,
      next: result.hasNext ? linkTo(page + 1) : null,
    });
  }
}
