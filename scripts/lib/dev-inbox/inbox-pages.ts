import type { StoredMail } from './mail-store.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For text and attribute values alike: nothing a message carries is ever markup in the inbox's pages. */
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? '');

const LINK = /https?:\/\/[^\s<>"']+/g;

/** The text part, escaped, with its http(s) links clickable (other schemes stay text). */
export function linkifiedText(text: string): string {
  let html = '';
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const url = match[0];
    html += escapeHtml(text.slice(last, match.index));
    html += `<a href="${escapeHtml(url)}" target="_blank" rel="noreferrer noopener">${escapeHtml(url)}</a>`;
    last = match.index + url.length;
  }
  return html + escapeHtml(text.slice(last));
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#111}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd}
pre{white-space:pre-wrap;background:#f6f6f6;padding:.75rem}iframe{width:100%;height:28rem;border:1px solid #ddd}
dt{font-weight:600}dd{margin:0 0 .4rem}`;

function page(title: string, body: string, extraHead = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>${extraHead}<style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** The message list, newest first; it reloads itself every few seconds (no script needed). */
export function listPage(messages: readonly StoredMail[]): string {
  const rows = messages
    .map(
      (message) =>
        `<tr><td>${escapeHtml(message.receivedAt)}</td><td>${escapeHtml(message.to)}</td>` +
        `<td><a href="/messages/${encodeURIComponent(message.id)}">${escapeHtml(message.subject || '(no subject)')}</a></td></tr>`,
    )
    .join('');
  const content =
    messages.length === 0
      ? '<p>No messages yet. Mail sent by the worker in <code>npm run dev</code> shows up here.</p>'
      : `<table><thead><tr><th>Received</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`;
  return page(
    'Dev inbox',
    `<h1>Dev inbox</h1><p>${messages.length} message(s), newest first; kept in memory until <code>npm run dev</code> stops.</p>${content}`,
    '<meta http-equiv="refresh" content="5">',
  );
}

/**
 * One message: headers, the text part with clickable links, and the HTML
 * part in a sandboxed frame (no scripts, no same-origin access; links open in
 * a new tab), served from its own address with the same sandbox as a header.
 */
export function messagePage(message: StoredMail): string {
  const html = message.html
    ? `<h2>HTML</h2><iframe title="HTML part" sandbox="allow-popups allow-popups-to-escape-sandbox" src="/messages/${encodeURIComponent(message.id)}/html"></iframe>`
    : '';
  return page(
    message.subject || '(no subject)',
    `<p><a href="/">← all messages</a></p><h1>${escapeHtml(message.subject || '(no subject)')}</h1>` +
      `<dl><dt>From</dt><dd>${escapeHtml(message.from)}</dd><dt>To</dt><dd>${escapeHtml(message.to)}</dd>` +
      `<dt>Received</dt><dd>${escapeHtml(message.receivedAt)}</dd></dl>` +
      `<h2>Text</h2><pre>${linkifiedText(message.text)}</pre>${html}`,
  );
}

/** The HTML part as sent, made to open its links in a new tab (the frame cannot navigate its parent). */
export function htmlPart(html: string): string {
  const base = '<base target="_blank">';
  const head = /<head(?:\s[^>]*)?>/i.exec(html);
  if (!head) return base + html;
  const end = head.index + head[0].length;
  return html.slice(0, end) + base + html.slice(end);
}
