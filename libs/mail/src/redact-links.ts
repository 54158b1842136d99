/** The marker a link's secret is replaced with in the stored copy of a mail. */
export const REDACTED_TOKEN = 'REDACTED';

// `token=...` (and the like) inside any link of a text or HTML body, with `&` or `&amp;` before it.
const LINK_SECRET = /([?&](?:amp;)?(?:token|code|key|secret|password|signature|sig)=)[^&\s"'<>#]+/gi;

/**
 * The copy of a mail the outbox keeps: every link's token replaced by a marker, so a live reset
 * or confirmation link never rests in `mail_outbox`. The mail delivered is rendered from the
 * row's data and carries the real link; the data itself is dropped once the mail is sent.
 */
export function redactLinkSecrets(text: string): string {
  return text.replace(LINK_SECRET, `$1${REDACTED_TOKEN}`);
}
