// A session title proposed from the first exchange, without another model call: the opening words
// of the user's first message, so it works offline and costs nothing.
import type { TernDB } from '../../db/database';
import { firstMessageBy } from '../messages';
import { DEFAULT_SESSION_TITLE, getSession, renameSession } from '../sessions';

const MAX_WORDS = 8;
const MAX_CHARS = 60;

export function proposeTitle(firstUserText: string): string | null {
  const line = firstUserText
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/[#>*_`]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (line === '') return null;
  const words = line.split(' ').slice(0, MAX_WORDS).join(' ');
  const cut = words.length > MAX_CHARS ? `${words.slice(0, MAX_CHARS - 1).trimEnd()}…` : words;
  return cut.replace(/[.,;:!?]+$/, '') || null;
}

/** Names a session still called “New chat” after the opening words of its first message. */
export async function nameAfterFirstMessage(db: TernDB, sessionId: string): Promise<void> {
  const session = await getSession(db, sessionId);
  if (!session || session.title !== DEFAULT_SESSION_TITLE) return;
  // Called after every reply while the title is still the default (an images-only first message
  // leaves it so): read up to the first user message, not the whole history.
  const first = await firstMessageBy(db, sessionId, 'user');
  const title = first ? proposeTitle(first.content) : null;
  if (title) await renameSession(db, sessionId, title);
}
