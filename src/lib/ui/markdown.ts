// Markdown to HTML for messages. Model output and imported text are hostile: raw HTML in the source
// is shown as text, images are never fetched (shown as links), and the result goes through
// DOMPurify, which keeps only harmless markup and http(s)/mailto links. Loaded on first use.
// The result is TrustedHTML (DOMPurify's own Trusted Types policy) where the browser has them, so
// it passes the app's `require-trusted-types-for 'script'`.
import { Marked, type Tokens } from 'marked';
import DOMPurify from 'dompurify';
import type { TrustedHTML } from 'trusted-types/lib';

export { enhanceCodeBlocks } from './code-blocks';

function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const marked = new Marked({ gfm: true, breaks: true, async: false });
marked.use({
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(token.text);
    },
    // A remote image would be a request to a third party (and fails offline): show its address.
    image(token: Tokens.Image): string {
      const label = token.text || token.href;
      return `<span class="md-image">[image: ${escapeHtml(label)}]</span>`;
    },
  },
});

/**
 * The few attributes Markdown needs whose values are not links: each is kept only on its own
 * element and only with a value from its own short list. (DOMPurify would otherwise test them
 * against the link rule and drop them all.)
 */
const VALUE_RULES: Record<string, { tags: readonly string[]; ok: (v: string) => boolean }> = {
  // GFM task lists: a checkbox, never another input.
  type: { tags: ['input'], ok: (v) => v.toLowerCase() === 'checkbox' },
  // GFM table column alignment.
  align: { tags: ['th', 'td'], ok: (v) => /^(left|center|right)$/i.test(v) },
  // An ordered list that starts at a number ("3. …").
  start: { tags: ['ol'], ok: (v) => /^-?\d{1,9}$/.test(v) },
};

const purify = DOMPurify(window);
purify.addHook('uponSanitizeAttribute', (node, data) => {
  const rule = VALUE_RULES[data.attrName];
  if (!rule) return;
  if (rule.tags.includes(node.nodeName.toLowerCase()) && rule.ok(data.attrValue))
    data.forceKeepAttr = true;
  else data.keepAttr = false;
});
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
  // A task-list box shows a state; it is never a control the page could submit or the user toggle.
  if (node.tagName === 'INPUT') {
    node.setAttribute('type', 'checkbox');
    node.setAttribute('disabled', '');
    node.setAttribute('aria-label', node.hasAttribute('checked') ? 'Done' : 'Not done');
  }
});

const ALLOWED_TAGS = [
  'p',
  'br',
  'hr',
  'strong',
  'em',
  'del',
  's',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'span',
  'input',
];

/** Sanitized HTML: TrustedHTML where the browser has Trusted Types, a string elsewhere. */
export type SafeHtml = TrustedHTML;

export function renderMarkdown(source: string): SafeHtml {
  return sanitizeMessageHtml(marked.parse(source) as string);
}

/** The sanitizer Markdown's HTML goes through, on its own so any HTML can be tested against it. */
export function sanitizeMessageHtml(html: string): SafeHtml {
  return purify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ['href', 'title', 'class', 'type', 'checked', 'disabled', 'align', 'start'],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
    RETURN_TRUSTED_TYPE: true,
  });
}

/** highlight.js output (it escapes the code it wraps), kept to its coloured spans. */
export function sanitizeHighlighted(html: string): SafeHtml {
  return purify.sanitize(html, {
    ALLOWED_TAGS: ['span'],
    ALLOWED_ATTR: ['class'],
    RETURN_TRUSTED_TYPE: true,
  });
}
