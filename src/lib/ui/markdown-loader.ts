// Markdown and highlighting are the heaviest code in a conversation; they load on first use and
// every message after that renders synchronously from the cached module.
import type * as Md from './markdown';
import type * as Hl from './highlight';

type MarkdownModule = typeof Md;
type HighlightModule = typeof Hl;

let markdown: MarkdownModule | null = null;
let markdownLoading: Promise<MarkdownModule> | null = null;
let highlight: Promise<HighlightModule> | null = null;

export function markdownNow(): MarkdownModule | null {
  return markdown;
}

export function loadMarkdown(): Promise<MarkdownModule> {
  markdownLoading ??= import('./markdown').then((m) => (markdown = m));
  return markdownLoading;
}

export function loadHighlight(): Promise<HighlightModule> {
  highlight ??= import('./highlight');
  return highlight;
}
