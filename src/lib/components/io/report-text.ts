// An import report in words, for the panel.
import type { ImportItem, ImportReport } from '../../io/types';
import { plural } from '../../ui/format';

const SOURCES: Record<string, string> = {
  tern: 'a Tern export',
  chatgpt: 'a ChatGPT export',
  claude: 'a Claude export',
  betterchatgpt: 'a BetterChatGPT export',
  nextchat: 'a NextChat backup',
  'chatbot-ui': 'a chatbot-ui export',
};

/** The counts; null when nothing of the file could be read as any export. */
export function summary(r: ImportReport): string | null {
  if (r.fileError && r.items.length === 0) return null;
  const n = (k: ImportItem['kind']) => r.items.filter((i) => i.kind === k).length;
  const parts = [
    `${plural(n('imported'), 'conversation')} imported`,
    `${n('updated')} updated`,
    `${n('skipped')} already here`,
    `${n('invalid')} could not be read`,
  ];
  return `Read as ${SOURCES[r.source] ?? 'an export'}: ${parts.join(', ')}.`;
}

export function itemText(i: ImportItem): string {
  switch (i.kind) {
    case 'imported':
      return `Imported, ${plural(i.messages, 'message')}.`;
    case 'updated':
      return `Replaced by the newer copy, ${plural(i.messages, 'message')}.`;
    case 'skipped':
      return i.reason === 'exists'
        ? 'Already here; the stored copy was kept.'
        : 'Already here and not older than the file’s copy.';
    case 'invalid':
      return i.reason;
  }
}
