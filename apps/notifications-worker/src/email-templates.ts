import type { Email } from '@coachline/runtime/mailer';

/** Escapes text for HTML element content and quoted attribute values. */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A paragraph, or a bulleted list. */
export type EmailBlock = string | { list: readonly string[] };

export interface EmailContent {
  to: string;
  subject: string;
  greeting: string;
  blocks: readonly EmailBlock[];
  action?: { label: string; url: string };
  messageId?: string;
}

const textOf = (block: EmailBlock) => (typeof block === 'string' ? [block, ''] : [...block.list.map((item) => `- ${item}`), '']);
const htmlOf = (block: EmailBlock) => (typeof block === 'string' ? `<p>${escapeHtml(block)}</p>` : `<ul>${block.list.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`);

/** One layout for every email the platform sends: the same words in plain text and HTML. */
export function renderEmail(input: EmailContent): Email {
  const text = [input.greeting, '', ...input.blocks.flatMap(textOf), ...(input.action ? [`${input.action.label}: ${input.action.url}`, ''] : []), '— Coachline'].join('\n');
  const html = `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">
<p>${escapeHtml(input.greeting)}</p>
${input.blocks.map(htmlOf).join('\n')}
${input.action ? `<p><a href="${escapeHtml(input.action.url)}">${escapeHtml(input.action.label)}</a></p>` : ''}
<p style="color:#888">— Coachline</p>
</body></html>`;
  return { to: input.to, subject: input.subject, text, html, messageId: input.messageId };
}
