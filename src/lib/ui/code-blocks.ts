// The bar on each rendered code block: its language, Copy code and a line-wrap toggle. Loaded with
// the Markdown renderer (markdown.ts re-exports it), never with the first screen. Everything is
// built with textContent: the language label is the author's text.
function codeBar(pre: HTMLElement, code: HTMLElement | null): HTMLElement {
  const bar = document.createElement('div');
  bar.className = 'code-bar';
  const label = document.createElement('span');
  label.className = 'code-lang';
  label.textContent = /language-(\S+)/.exec(code?.className ?? '')?.[1] ?? 'text';
  const wrap = document.createElement('button');
  wrap.type = 'button';
  wrap.textContent = 'Wrap';
  wrap.setAttribute('aria-label', 'Wrap long lines');
  wrap.setAttribute('aria-pressed', 'false');
  wrap.addEventListener('click', () => {
    const on = pre.classList.toggle('wrap');
    wrap.setAttribute('aria-pressed', String(on));
  });
  const copy = document.createElement('button');
  copy.type = 'button';
  copy.textContent = 'Copy code';
  copy.addEventListener('click', () => {
    void navigator.clipboard.writeText(code?.textContent ?? '').then(
      () => (copy.textContent = 'Copied'),
      () => (copy.textContent = 'Copy failed'),
    );
    setTimeout(() => (copy.textContent = 'Copy code'), 1500);
  });
  bar.append(label, wrap, copy);
  return bar;
}

/** Adds the bar to every code block under `root` that has none yet; returns their code elements. */
export function enhanceCodeBlocks(root: HTMLElement): HTMLElement[] {
  const codes: HTMLElement[] = [];
  for (const pre of root.querySelectorAll('pre')) {
    if (pre.dataset.enhanced) continue;
    pre.dataset.enhanced = '1';
    const code = pre.querySelector('code');
    pre.prepend(codeBar(pre, code));
    if (code) codes.push(code);
  }
  return codes;
}
