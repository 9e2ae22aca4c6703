// Stored rows for conversations that come from other apps. Ids are derived from the source's own
// ids (never random), so importing the same export twice finds the same rows and changes nothing.
import { InputError } from '../clean';
import type {
  BranchMessageRow,
  JsonObject,
  MessagePart,
  MessageRow,
  Role,
  SessionRow,
  SessionSettingsRow,
} from '../../db/rows';
import type { Conversation, ParsedItem } from '../types';

export interface ForeignMessage {
  id: string;
  role: Role;
  parts: MessagePart[];
  createdAt: number;
  name?: string | null;
  toolCallId?: string | null;
  metadata?: JsonObject;
}

/** The text of the text parts, which is what `content` mirrors (as the repositories do). */
export function textOf(parts: readonly MessagePart[]): string {
  return parts
    .filter((p): p is Extract<MessagePart, { type: 'text' }> => p.type === 'text')
    .map((p) => p.text)
    .join('\n\n');
}

/** A message of a version not on screen: where it hangs, and its place along its own path. */
export interface ForeignBranchMessage extends ForeignMessage {
  parentId: string;
  seq: number;
}

export function messageRow(sessionId: string, seq: number, m: ForeignMessage): MessageRow {
  return {
    id: m.id,
    sessionId,
    seq,
    role: m.role,
    content: textOf(m.parts),
    parts: m.parts,
    name: m.name ?? null,
    toolCallId: m.toolCallId ?? null,
    tokens: null,
    status: 'complete',
    error: null,
    preserved: false,
    metadata: m.metadata ?? {},
    createdAt: m.createdAt,
    updatedAt: m.createdAt,
  };
}

/**
 * A conversation from its messages (in order). Times that are missing or go backwards are
 * carried forward from the previous message, so the order of `createdAt` follows `seq`.
 */
export function conversation(input: {
  id: string;
  workspaceId: string;
  title: string;
  model: string | null;
  createdAt: number | null;
  updatedAt: number | null;
  messages: ForeignMessage[];
  /** The other versions' messages, each after its parent, times already in order. */
  branches?: ForeignBranchMessage[];
  metadata: JsonObject;
  settings?: Partial<Omit<SessionSettingsRow, 'sessionId' | 'createdAt' | 'updatedAt'>>;
  images?: Conversation['images'];
}): Conversation {
  let t = input.createdAt ?? input.messages.find((m) => m.createdAt > 0)?.createdAt ?? 0;
  const created = t;
  const messages = input.messages.map((m, i) => {
    t = m.createdAt > t ? m.createdAt : t;
    return messageRow(input.id, i + 1, { ...m, createdAt: t });
  });
  // Of several versions after one message, the newest is the one shown when flipping back.
  const branchMessages = (input.branches ?? []).map(
    ({ parentId, seq, ...m }): BranchMessageRow => ({
      ...messageRow(input.id, seq, m),
      parentId,
      setAsideAt: m.createdAt,
    }),
  );
  for (const b of branchMessages) t = Math.max(t, b.createdAt);
  const last = Math.max(t, input.updatedAt ?? 0);
  const session: SessionRow = {
    id: input.id,
    workspaceId: input.workspaceId,
    title: input.title,
    model: input.model,
    createdAt: created,
    updatedAt: last,
    lastActivityAt: last,
    deletedAt: null,
    messageCount: messages.length + branchMessages.length,
    imageCount: input.images?.length ?? 0,
    totalTokens: 0,
    compactionCount: 0,
    metadata: input.metadata,
  };
  const settings: SessionSettingsRow | null = input.settings
    ? {
        sessionId: input.id,
        systemPrompt: '',
        provider: null,
        model: input.model,
        params: {},
        allowedTools: [],
        permissionMode: 'confirm',
        mcpServers: [],
        ...input.settings,
        createdAt: created,
        updatedAt: created,
      }
    : null;
  return {
    session,
    settings,
    messages,
    ...(branchMessages.length > 0 ? { branchMessages } : {}),
    images: input.images ?? [],
    compactionEvents: [],
    archive: [],
  };
}

/** Reads one conversation; whatever goes wrong becomes that conversation's `invalid` item. */
export function readItem(fn: () => Conversation, id: string, title: string): ParsedItem {
  try {
    return { kind: 'ok', conversation: fn() };
  } catch (e) {
    if (e instanceof InputError)
      return { kind: 'invalid', id, title, code: e.code, reason: e.message };
    if (e instanceof RangeError)
      return {
        kind: 'invalid',
        id,
        title,
        code: 'too-deep',
        reason: 'It is nested too deeply to read.',
      };
    return {
      kind: 'invalid',
      id,
      title,
      code: 'invalid-conversation',
      reason: e instanceof Error ? e.message : String(e),
    };
  }
}
