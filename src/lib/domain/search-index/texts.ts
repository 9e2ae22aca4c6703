// What is indexed for a key of the queue or of a document: a message's searchable text, or a
// session's title.
import { SEARCH_TITLE_PREFIX, type MessageRow } from '../../db/rows';
import { textOf } from '../messages';

export const titleKey = (sessionId: string): string => SEARCH_TITLE_PREFIX + sessionId;
export const isTitleKey = (key: string): boolean => key.startsWith(SEARCH_TITLE_PREFIX);
export const sessionOfTitleKey = (key: string): string => key.slice(SEARCH_TITLE_PREFIX.length);

/** The text a search looks in: the message's content, or its text parts when that is empty. */
export function searchableText(m: Pick<MessageRow, 'content' | 'parts'>): string {
  return m.content !== '' ? m.content : textOf(m.parts);
}

/** Whether a message is ready to be indexed: its text is final. */
export const indexable = (m: Pick<MessageRow, 'status'>): boolean => m.status !== 'streaming';

/** Keys split into message ids and session ids (of titles). */
export function splitKeys(keys: readonly string[]): { messageIds: string[]; sessionIds: string[] } {
  const messageIds: string[] = [];
  const sessionIds: string[] = [];
  for (const k of keys) {
    if (isTitleKey(k)) sessionIds.push(sessionOfTitleKey(k));
    else messageIds.push(k);
  }
  return { messageIds, sessionIds };
}
