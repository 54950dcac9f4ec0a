import escapeHtml from 'escape-html';

/** The parts every message has; the layout turns them into matching text and HTML bodies. */
export type MessageParts = {
  subject: string;
  greeting: string;
  /** Plain sentences; escaped for HTML, never interpreted as markup. */
  paragraphs: string[];
  /** The one link of the message, if it has one (a notice may have none). */
  action?: { label: string; url: string };
  /** Why the recipient got this and what to do if it was not them. */
  footer: string;
};

export type RenderedEmail = { subject: string; text: string; html: string };

export function renderMessage(parts: MessageParts): RenderedEmail {
  const text = [
    parts.greeting,
    '',
    ...parts.paragraphs.flatMap((paragraph) => [paragraph, '']),
    ...(parts.action ? [`${parts.action.label}: ${parts.action.url}`, ''] : []),
    '--',
    parts.footer,
    '',
  ].join('\n');
  const url = parts.action ? escapeHtml(parts.action.url) : undefined;
  const html = [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(parts.subject)}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5; color: #111;">',
    `<p>${escapeHtml(parts.greeting)}</p>`,
    ...parts.paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`),
    ...(parts.action && url
      ? [
          `<p><a href="${url}" style="display: inline-block; padding: 8px 16px; background: #111; color: #fff; text-decoration: none; border-radius: 4px;">${escapeHtml(parts.action.label)}</a></p>`,
          `<p style="font-size: 12px;">Or open this link: <a href="${url}">${url}</a></p>`,
        ]
      : []),
    `<hr><p style="font-size: 12px; color: #555;">${escapeHtml(parts.footer)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
  return { subject: parts.subject, text, html };
}
