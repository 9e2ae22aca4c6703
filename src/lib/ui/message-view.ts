// How a message is shown, apart from its Markdown: whether there is anything to show at all, and
// whether it is long enough to be folded behind "Show more".
import type { MessageRow } from '../db/rows';

/**
 * A finished message with no text and no parts: some imports carry these; nothing to show. A reply
 * the user stopped before its first word is not one: it says it was stopped, with its actions.
 */
export function isBlank(m: MessageRow): boolean {
  return (
    m.status === 'complete' &&
    m.metadata.finishReason !== 'stopped' &&
    m.content.trim() === '' &&
    m.parts.every((p) => p.type === 'text' && p.text.trim() === '') &&
    m.metadata.archivedCount === undefined
  );
}

/** Folded past this many characters, or when one unbroken run is this long (a pasted hash). */
const FOLD_AT = 16_000;
const LONG_RUN = 2_000;
/** What a folded message shows. */
const HEAD = 2_000;

/** The start of a message to show folded, or null when it is shown whole. */
export function foldedHead(content: string): string | null {
  if (content.length <= HEAD) return null;
  if (content.length <= FOLD_AT && !hasLongRun(content)) return null;
  return content.slice(0, HEAD);
}

function hasLongRun(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Space, tab, newline, carriage return end a run.
    if (c === 32 || c === 9 || c === 10 || c === 13) run = 0;
    else if (++run >= LONG_RUN) return true;
  }
  return false;
}
