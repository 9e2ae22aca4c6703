// Code highlighting, loaded with the first code block: highlight.js core and a few languages that
// chats are full of. Unknown languages stay plain. hljs escapes the code it emits; its output still
// goes through the sanitizer, which keeps its spans and hands back TrustedHTML for the sink.
import hljs from 'highlight.js/lib/core';
import { sanitizeHighlighted } from './markdown';
import javascript from 'highlight.js/lib/languages/javascript';
import typescript from 'highlight.js/lib/languages/typescript';
import python from 'highlight.js/lib/languages/python';
import bash from 'highlight.js/lib/languages/bash';
import json from 'highlight.js/lib/languages/json';
import xml from 'highlight.js/lib/languages/xml';
import css from 'highlight.js/lib/languages/css';
import sql from 'highlight.js/lib/languages/sql';
import rust from 'highlight.js/lib/languages/rust';
import go from 'highlight.js/lib/languages/go';

const LANGS = { javascript, typescript, python, bash, json, xml, css, sql, rust, go };
for (const [name, lang] of Object.entries(LANGS)) hljs.registerLanguage(name, lang);
hljs.registerAliases(['js', 'jsx', 'mjs'], { languageName: 'javascript' });
hljs.registerAliases(['ts', 'tsx'], { languageName: 'typescript' });
hljs.registerAliases(['py'], { languageName: 'python' });
hljs.registerAliases(['sh', 'shell', 'zsh'], { languageName: 'bash' });
hljs.registerAliases(['html', 'svg'], { languageName: 'xml' });

export function highlightCode(el: HTMLElement): void {
  const lang = /language-(\S+)/.exec(el.className)?.[1];
  if (!lang || !hljs.getLanguage(lang)) return;
  const { value } = hljs.highlight(el.textContent ?? '', { language: lang, ignoreIllegals: true });
  // The DOM typings predate Trusted Types; the sink takes TrustedHTML where the browser has them.
  el.innerHTML = sanitizeHighlighted(value) as unknown as string;
  el.classList.add('hljs');
}
