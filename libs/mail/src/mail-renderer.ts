import { Injectable } from '@nestjs/common';
import { AppConfig, projectRoot } from '@app/config';
import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { MAIL_SUBJECTS, type MailTemplateName, type MailTemplates } from './mail-templates.js';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

/**
 * Where the templates are, from sources, dist/ and the bundle alike: the bundle and dist/ sit at
 * other depths than the sources, so the path is anchored at the project root (Docker copies
 * libs/mail/templates there too).
 */
export function mailTemplatesDir(): string {
  return join(projectRoot(), 'libs/mail/templates');
}

/**
 * Nunjucks, as for the pages. The HTML part is autoescaped; the text part is not (text/plain has
 * no markup to inject into), so a name like `Tom & Jerry` reads right in both.
 */
@Injectable()
export class MailRenderer {
  private readonly html: nunjucks.Environment;
  private readonly text: nunjucks.Environment;
  private readonly globals: Record<string, string>;

  constructor(config: AppConfig) {
    // One loader each: a loader caches compiled templates, and a template keeps the environment
    // (and so the escaping) it was compiled for.
    const loader = () => new nunjucks.FileSystemLoader(mailTemplatesDir(), { noCache: config.env === 'development' });
    this.html = new nunjucks.Environment(loader(), { autoescape: true, throwOnUndefined: true });
    this.text = new nunjucks.Environment(loader(), { autoescape: false, throwOnUndefined: true });
    this.globals = { appName: config.app.name, baseUrl: config.http.baseUrl };
  }

  render<T extends MailTemplateName>(template: T, data: MailTemplates[T]): RenderedMail {
    const subject = MAIL_SUBJECTS[template](data);
    const context = { ...this.globals, ...data, subject };
    return {
      subject,
      html: this.html.render(`${template}.njk`, { ...context, format: 'html' }).trim() + '\n',
      text: tidyText(this.text.render(`${template}.njk`, { ...context, format: 'text' })),
    };
  }
}

/** Template blocks leave blank lines at the edges; mail clients show them. */
function tidyText(text: string): string {
  return text.replace(/^\s*\n/, '').replace(/\n{3,}/g, '\n\n').trim() + '\n';
}
