import type { Email } from '@coachline/runtime/mailer';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** One layout for every email: the same words in plain text and HTML. */
export function renderEmail(input: { to: string; subject: string; greeting: string; paragraphs: string[]; action?: { label: string; url: string }; messageId?: string }): Email {
  const text = [input.greeting, '', ...input.paragraphs.flatMap((p) => [p, '']), ...(input.action ? [`${input.action.label}: ${input.action.url}`, ''] : []), '— Coachline'].join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">
<p>${escape(input.greeting)}</p>
${input.paragraphs.map((p) => `<p>${escape(p)}</p>`).join('\n')}
${input.action ? `<p><a href="${escape(input.action.url)}">${escape(input.action.label)}</a></p>` : ''}
<p style="color:#888">— Coachline</p>
</body></html>`;
  return { to: input.to, subject: input.subject, text, html, messageId: input.messageId };
}
