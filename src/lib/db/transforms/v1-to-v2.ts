// Pure row transform from the version-1 layout (workspaces + chats) to version 2 (sessions and
// messages). Used by the v2 upgrade and by the import of version-1-era export files, so that an old
// file and an old database come out the same. No IndexedDB here, no clock, no randomness: the same
// input always gives the same rows.
import type { V1ChatRow, V1WorkspaceRow } from '../schema/v1-rows';
import type { V2MessageRow, V2Role, V2SessionRow, V2WorkspaceRow } from '../schema/v2-rows';

export const LEGACY_TITLE = 'Legacy Chat';
export const RECOVERED_WORKSPACE_NAME = 'Recovered workspace';
/** Where chats whose workspaceId is not a usable string go. */
export const UNKNOWN_WORKSPACE_ID = 'recovered-workspace';

export const legacySessionId = (workspaceId: string): string => `legacy-${workspaceId}`;

const ROLES: readonly V2Role[] = ['system', 'user', 'assistant'];

function finiteOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** A v1 chat with the time and id it is ordered by, both made usable. */
interface DatedChat {
  t: number;
  id: string;
  chat: V1ChatRow;
}

/** IndexedDB orders strings by UTF-16 code units, as `<` does; ids tie-break equal times. */
function compareChats(a: DatedChat, b: DatedChat): number {
  if (a.t !== b.t) return a.t - b.t;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export interface V2Rows {
  workspaces: V2WorkspaceRow[];
  sessions: V2SessionRow[];
  messages: V2MessageRow[];
}

/**
 * The chats of each workspace in the order they will have as messages, workspaces ordered by id so
 * that the output does not depend on the order the rows came in.
 */
function chatsByWorkspace(chats: readonly V1ChatRow[]): [string, DatedChat[]][] {
  const groups = new Map<string, DatedChat[]>();
  for (const chat of chats) {
    const ws =
      typeof chat.workspaceId === 'string' && chat.workspaceId !== ''
        ? chat.workspaceId
        : UNKNOWN_WORKSPACE_ID;
    let group = groups.get(ws);
    if (!group) groups.set(ws, (group = []));
    group.push({ t: finiteOr(chat.createdAt, 0), id: String(chat.id), chat });
  }
  return [...groups.keys()].sort().map((ws) => {
    const group = groups.get(ws) ?? [];
    group.sort(compareChats);
    return [ws, group];
  });
}

/** A v1 workspace as v2 keeps it: every field of its own kept, updatedAt added. */
function carriedWorkspace(w: V1WorkspaceRow): V2WorkspaceRow {
  const createdAt = finiteOr(w.createdAt, 0);
  return {
    ...w,
    name: typeof w.name === 'string' ? w.name : '',
    createdAt,
    updatedAt: createdAt,
  };
}

/** A workspace for chats whose own workspace row is gone, dated by its first chat. */
function recoveredWorkspace(workspaceId: string, first: number): V2WorkspaceRow {
  return {
    id: workspaceId,
    name: RECOVERED_WORKSPACE_NAME,
    createdAt: first,
    updatedAt: first,
  };
}

/** A chat as the message at position `seq` of its Legacy Chat; an unknown role becomes user. */
function legacyMessage(sessionId: string, { t, id, chat }: DatedChat, seq: number): V2MessageRow {
  const role: V2Role = ROLES.includes(chat.role) ? chat.role : 'user';
  const content = typeof chat.content === 'string' ? chat.content : String(chat.content ?? '');
  const metadata: V2MessageRow['metadata'] = { origin: 'v1-chat' };
  if (role !== chat.role) metadata.legacyRole = String(chat.role);
  return {
    id,
    sessionId,
    seq,
    role,
    content,
    parts: content === '' ? [] : [{ type: 'text', text: content }],
    name: null,
    toolCallId: null,
    tokens: null,
    status: 'complete',
    preserved: false,
    metadata,
    createdAt: t,
    updatedAt: t,
  };
}

/** The Legacy Chat of a workspace, spanning its first to its last chat. */
function legacySession(
  workspaceId: string,
  first: number,
  last: number,
  messageCount: number,
): V2SessionRow {
  return {
    id: legacySessionId(workspaceId),
    workspaceId,
    title: LEGACY_TITLE,
    model: null,
    createdAt: first,
    updatedAt: last,
    lastActivityAt: last,
    deletedAt: null,
    messageCount,
    imageCount: 0,
    totalTokens: 0,
    compactionCount: 0,
    metadata: { legacy: true, legacyWorkspaceId: workspaceId },
  };
}

export function v1ToV2(input: {
  workspaces: readonly V1WorkspaceRow[];
  chats: readonly V1ChatRow[];
}): V2Rows {
  const known = new Set(input.workspaces.map((w) => w.id));
  const workspaces = input.workspaces.map(carriedWorkspace);
  const sessions: V2SessionRow[] = [];
  const messages: V2MessageRow[] = [];
  for (const [workspaceId, group] of chatsByWorkspace(input.chats)) {
    const first = group[0]?.t ?? 0;
    const last = group[group.length - 1]?.t ?? first;
    if (!known.has(workspaceId)) workspaces.push(recoveredWorkspace(workspaceId, first));
    const sessionId = legacySessionId(workspaceId);
    group.forEach((chat, i) => messages.push(legacyMessage(sessionId, chat, i + 1)));
    sessions.push(legacySession(workspaceId, first, last, group.length));
  }
  return { workspaces, sessions, messages };
}
