// What people write in Markdown shows as they meant it (task lists, aligned columns, numbered lists
// that start at a number), and the attributes that carry it accept nothing else.
import { describe, expect, it } from 'vitest';
import {
  renderMarkdown,
  sanitizeHighlighted,
  sanitizeMessageHtml,
} from '../../../src/lib/ui/markdown';

function render(source: string): HTMLElement {
  const box = document.createElement('div');
  // The rendered HTML is TrustedHTML here; the sink takes it as is.
  box.innerHTML = renderMarkdown(source) as unknown as string;
  return box;
}

const attrs = (el: Element | null) =>
  el ? Object.fromEntries([...el.attributes].map((a) => [a.name, a.value])) : null;

describe('Markdown that renders what people write', () => {
  it('shows task lists as disabled checkboxes, ticked as written, with a name', () => {
    const box = render('- [x] milk\n- [ ] bread');
    const boxes = [...box.querySelectorAll('input')];
    expect(boxes.map(attrs)).toEqual([
      { type: 'checkbox', checked: '', disabled: '', 'aria-label': 'Done' },
      { type: 'checkbox', disabled: '', 'aria-label': 'Not done' },
    ]);
    expect(boxes.map((b) => [b.checked, b.disabled])).toEqual([
      [true, true],
      [false, true],
    ]);
    expect(box.textContent).toContain('milk');
  });

  it('keeps table column alignment', () => {
    const box = render('| a | b | c | d |\n| :-- | :-: | --: | --- |\n| 1 | 2 | 3 | 4 |');
    const align = (sel: string) =>
      [...box.querySelectorAll(sel)].map((c) => c.getAttribute('align'));
    expect(align('th')).toEqual(['left', 'center', 'right', null]);
    expect(align('td')).toEqual(['left', 'center', 'right', null]);
  });

  it('starts an ordered list at its first number', () => {
    const box = render('3. three\n4. four');
    expect(box.querySelector('ol')?.getAttribute('start')).toBe('3');
    expect(box.querySelector('ol')?.start).toBe(3);
    expect(render('1. one').querySelector('ol')?.start).toBe(1);
  });

  it('labels a fenced code block with its language', () => {
    const box = render('```ts\nconst a = 1;\n```');
    expect(box.querySelector('pre > code')?.className).toBe('language-ts');
  });
});

describe('the attributes Markdown needs accept only their own values', () => {
  it('shows raw HTML inputs, lists and cells as text', () => {
    const box = render(
      '<input type="text" value="x"> <ol start="javascript:alert(1)"><li>a</li></ol> <td align="x">',
    );
    expect(box.querySelector('input, ol, td')).toBeNull();
    expect(box.textContent).toContain('<input type="text" value="x">');
  });

  it('never lets a hostile link title become one of these attributes', () => {
    const box = render('[a](https://example.com "x\\" type=\\"text\\" align=\\"javascript:1")');
    const a = box.querySelector('a');
    expect(a?.getAttribute('href')).toBe('https://example.com');
    expect(a?.hasAttribute('type')).toBe(false);
    expect(a?.hasAttribute('align')).toBe(false);
  });

  // Raw HTML in a message is shown as text, so this markup can only reach the sanitizer through a
  // Markdown bug: the sanitizer is fed it directly.
  it('drops each attribute off its own element or with any other value', () => {
    const cases: [string, string, string | null][] = [
      ['<ol start="3"><li>a</li></ol>', 'ol', '3'],
      ['<ol start="-2"><li>a</li></ol>', 'ol', '-2'],
      ['<ol start="3x"><li>a</li></ol>', 'ol', null],
      ['<ol start="javascript:alert(1)"><li>a</li></ol>', 'ol', null],
      ['<ol start="99999999999"><li>a</li></ol>', 'ol', null],
      ['<ul start="3"><li>a</li></ul>', 'ul', null],
      ['<table><tr><td align="center">a</td></tr></table>', 'td', 'center'],
      ['<table><tr><td align="justify">a</td></tr></table>', 'td', null],
      ['<table><tr><td align="javascript:x">a</td></tr></table>', 'td', null],
      ['<p align="center">a</p>', 'p', null],
      ['<input type="checkbox">', 'input', 'checkbox'],
      ['<input type="CHECKBOX">', 'input', 'checkbox'],
      ['<input type="text">', 'input', 'checkbox'],
      ['<input type="image" src="x">', 'input', 'checkbox'],
      ['<input type="submit" formaction="https://evil.example">', 'input', 'checkbox'],
      ['<a type="text/html" href="https://example.com">a</a>', 'a', null],
    ];
    for (const [html, tag, want] of cases) {
      const box = document.createElement('div');
      box.innerHTML = sanitizeMessageHtml(html) as unknown as string;
      const el = box.querySelector(tag);
      const attr = { input: 'type', a: 'type', ol: 'start', ul: 'start' }[tag] ?? 'align';
      expect([html, el?.getAttribute(attr) ?? null]).toEqual([html, want]);
      if (tag === 'input') {
        expect(attrs(el)).toMatchObject({ type: 'checkbox', disabled: '' });
        expect(
          el?.hasAttribute('src') || el?.hasAttribute('formaction') || el?.hasAttribute('value'),
        ).toBe(false);
      }
    }
  });

  it('keeps only the coloured spans of highlighted code', () => {
    const box = document.createElement('div');
    box.innerHTML = sanitizeHighlighted(
      '<span class="hljs-keyword">const</span><img src=x onerror=alert(1)><a href="javascript:1">x</a>',
    ) as unknown as string;
    expect(box.innerHTML).toBe('<span class="hljs-keyword">const</span>x');
  });
});
