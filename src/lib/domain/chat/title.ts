// A session's title after its first exchange. At once, the opening words of the user's first
// message (works offline, costs nothing); then, when the app allows it, a title written by the
// session's model (model-title.ts) replaces those words unless the user renamed the session since.
import type { TernDB } from '../../db/database';
import { needsNetwork } from '../../providers/registry';
import type { Provider, ProviderKind } from '../../providers/types';
import { firstMessageBy, getMessage } from '../messages';
import { DEFAULT_SESSION_TITLE, getSession, renameSession } from '../sessions';
import { askForTitle } from './model-title';
import { sessionModel, type ProviderLookup } from './request';

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

export interface FirstWords {
  title: string;
  userText: string;
}

/**
 * Names a session still called “New chat” after the opening words of its first message; returns
 * what it set (null when it set nothing).
 */
export async function nameAfterFirstMessage(
  db: TernDB,
  sessionId: string,
): Promise<FirstWords | null> {
  const session = await getSession(db, sessionId);
  if (!session || session.title !== DEFAULT_SESSION_TITLE) return null;
  // Called after every reply while the title is still the default (an images-only first message
  // leaves it so): read up to the first user message, not the whole history.
  const first = await firstMessageBy(db, sessionId, 'user');
  const title = first ? proposeTitle(first.content) : null;
  if (!title || !first) return null;
  await renameSession(db, sessionId, title);
  return { title, userText: first.content };
}

export interface ModelTitleDeps {
  providerConfig: ProviderLookup;
  loadProvider: (kind: ProviderKind) => Promise<Provider>;
  stallMs?: number;
  fetch?: typeof fetch;
}

/**
 * Asks the session's model for a title and puts it in place of the first words, if the session
 * still carries them. Every failure (offline, an error, an empty answer) leaves the first words.
 * The on-device model is not asked: it runs one request at a time on this device, and a title
 * would hold up the user's next message for seconds.
 */
export async function nameByModel(
  db: TernDB,
  deps: ModelTitleDeps,
  sessionId: string,
  replyId: string,
  firstWords: FirstWords,
): Promise<void> {
  const target = await sessionModel(db, deps.providerConfig, sessionId);
  if (!target.ok || !needsNetwork(target.config.kind)) return;
  const reply = await getMessage(db, replyId);
  if (!reply || reply.content.trim() === '') return;
  const title = await askForTitle({
    provider: await deps.loadProvider(target.config.kind),
    config: target.config,
    model: target.model,
    userText: firstWords.userText,
    replyText: reply.content,
    ...(deps.stallMs !== undefined ? { stallMs: deps.stallMs } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  if (!title) return;
  const session = await getSession(db, sessionId);
  if (session?.title === firstWords.title) await renameSession(db, sessionId, title);
}
