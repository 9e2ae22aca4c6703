// Test data, said one way. Sessions and messages made through the repositories (so the counters
// stay true), and rows in their stored shape for tests that write or import rows directly.
import { DEFAULT_WORKSPACE_ID, type TernDB } from '../../src/lib/db/database';
import type { MessageRow, SessionRow } from '../../src/lib/db/rows';
import { appendMessage, type NewMessage } from '../../src/lib/domain/messages';
import { createSession } from '../../src/lib/domain/sessions';

export type NewSession = Partial<Parameters<typeof createSession>[1]>;

/** A new empty session, in the default workspace unless told otherwise. */
export function newSession(db: TernDB, input: NewSession = {}): Promise<SessionRow> {
  return createSession(db, { workspaceId: DEFAULT_WORKSPACE_ID, ...input });
}

export interface SessionWith extends NewSession {
  /** Each message's text; "m1", "m2", … unless told otherwise. */
  content?: (i: number) => string;
  /** What else each message carries (its tokens, its role…). */
  message?: (i: number) => Partial<NewMessage>;
}

/**
 * A new session with `n` messages appended one by one, user and assistant in turn starting with
 * the user (`i` counts from 1).
 */
export async function sessionWith(
  db: TernDB,
  n: number,
  options: SessionWith = {},
): Promise<{ session: SessionRow; messages: MessageRow[] }> {
  const { content = (i) => `m${i}`, message, ...input } = options;
  const session = await newSession(db, input);
  const messages: MessageRow[] = [];
  for (let i = 1; i <= n; i++)
    messages.push(
      await appendMessage(db, session.id, {
        role: i % 2 ? 'user' : 'assistant',
        content: content(i),
        ...message?.(i),
      }),
    );
  return { session, messages };
}

/** A stored session row, empty and live, at time `at`. */
export function sessionRow(
  overrides: Partial<SessionRow> & { id: string },
  at = 1_000,
): SessionRow {
  return {
    workspaceId: DEFAULT_WORKSPACE_ID,
    title: `Chat ${overrides.id}`,
    model: null,
    createdAt: at,
    updatedAt: at,
    lastActivityAt: at,
    deletedAt: null,
    messageCount: 0,
    imageCount: 0,
    totalTokens: 0,
    compactionCount: 0,
    metadata: {},
    ...overrides,
  };
}

/** A stored message row: complete, its text also its one text part, at time `at`. */
export function messageRow(
  overrides: Partial<MessageRow> & { id: string; sessionId: string; seq: number },
  at = 1_000,
): MessageRow {
  const content = overrides.content ?? `m${overrides.seq}`;
  return {
    role: 'user',
    content,
    parts: [{ type: 'text', text: content }],
    name: null,
    toolCallId: null,
    tokens: null,
    status: 'complete',
    error: null,
    preserved: false,
    metadata: {},
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}
