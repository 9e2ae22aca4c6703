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

/** IndexedDB orders strings by UTF-16 code units, as `<` does; ids tie-break equal times. */
function compareChats(a: { t: number; id: string }, b: { t: number; id: string }): number {
  if (a.t !== b.t) return a.t - b.t;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export interface V2Rows {
  workspaces: V2WorkspaceRow[];
  sessions: V2SessionRow[];
  messages: V2MessageRow[];
}

export function v1ToV2(input: {
  workspaces: readonly V1WorkspaceRow[];
  chats: readonly V1ChatRow[];
}): V2Rows {
  const groups = new Map<string, { t: number; id: string; chat: V1ChatRow }[]>();
  for (const chat of input.chats) {
    const ws =
      typeof chat.workspaceId === 'string' && chat.workspaceId !== ''
        ? chat.workspaceId
        : UNKNOWN_WORKSPACE_ID;
    let group = groups.get(ws);
    if (!group) groups.set(ws, (group = []));
    group.push({ t: finiteOr(chat.createdAt, 0), id: String(chat.id), chat });
  }

  const known = new Map(input.workspaces.map((w) => [w.id, w]));
  const workspaces: V2WorkspaceRow[] = input.workspaces.map((w) => {
    const createdAt = finiteOr(w.createdAt, 0);
    return {
      ...w,
      name: typeof w.name === 'string' ? w.name : '',
      createdAt,
      updatedAt: createdAt,
    };
  });

  const sessions: V2SessionRow[] = [];
  const messages: V2MessageRow[] = [];
  const ids = [...groups.keys()].sort();
  for (const workspaceId of ids) {
    const group = groups.get(workspaceId) ?? [];
    group.sort(compareChats);
    const first = group[0]?.t ?? 0;
    const last = group[group.length - 1]?.t ?? first;
    if (!known.has(workspaceId)) {
      workspaces.push({
        id: workspaceId,
        name: RECOVERED_WORKSPACE_NAME,
        createdAt: first,
        updatedAt: first,
      });
    }
    const sessionId = legacySessionId(workspaceId);
    group.forEach(({ t, id, chat }, i) => {
      const role: V2Role = ROLES.includes(chat.role) ? chat.role : 'user';
      const content = typeof chat.content === 'string' ? chat.content : String(chat.content ?? '');
      const metadata: V2MessageRow['metadata'] = { origin: 'v1-chat' };
      if (role !== chat.role) metadata.legacyRole = String(chat.role);
      messages.push({
        id,
        sessionId,
        seq: i + 1,
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
      });
    });
    sessions.push({
      id: sessionId,
      workspaceId,
      title: LEGACY_TITLE,
      model: null,
      createdAt: first,
      updatedAt: last,
      lastActivityAt: last,
      deletedAt: null,
      messageCount: group.length,
      imageCount: 0,
      totalTokens: 0,
      compactionCount: 0,
      metadata: { legacy: true, legacyWorkspaceId: workspaceId },
    });
  }
  return { workspaces, sessions, messages };
}
