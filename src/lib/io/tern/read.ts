// Reads a Tern export file of any format version and any schema version up to this app's. Rows of
// an older schema go through the same transforms as an older database. Every field is copied out
// and checked; a session that does not hold together is reported and the others still come in.
import { v1ToV2 } from '../../db/transforms/v1-to-v2';
import { SESSION_SHAPE } from '../../db/row-shapes';
import { SETTINGS_SHAPE } from '../../db/settings-shape';
import {
  arr,
  InputError,
  invalid,
  isObj,
  json,
  jsonObj,
  num,
  obj,
  optNum,
  optStr,
  str,
  title as cleanTitle,
  type Obj,
} from '../clean';
import { readItem } from '../importers/build';
import type {
  CommandUsageRow,
  CompactionEventRow,
  ImageRow,
  MessageArchiveRow,
  SessionRow,
  SessionSettingsRow,
  WorkspaceRow,
} from '../../db/rows';
import type { V1ChatRow, V1WorkspaceRow } from '../../db/schema/v1-rows';
import type { Conversation, ParsedFile, ParsedItem } from '../types';
import { FORMAT_NAME, FORMAT_VERSION } from './envelope';
import { branchMessages, checked, message } from './messages';

export function isTernFile(v: unknown): boolean {
  return isObj(v) && v.format === FORMAT_NAME;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], what: string): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v))
    throw invalid(`${what} is not one of ${allowed.join(', ')}.`);
  return v as T;
}

function strings(v: unknown, what: string): string[] {
  return arr(v, what).map((x) => str(x, what));
}

export function session(v: unknown): SessionRow {
  const s = obj(v, 'A session');
  const createdAt = num(s.createdAt, 'A session time');
  return checked<SessionRow>(
    {
      id: str(s.id, 'A session id'),
      workspaceId: s.workspaceId,
      // A title is made one line, as the repositories make it; a blank one reads as "Untitled".
      title: cleanTitle(s.title, 'Untitled'),
      model: s.model ?? null,
      createdAt,
      updatedAt: optNum(s.updatedAt) ?? createdAt,
      lastActivityAt: optNum(s.lastActivityAt) ?? createdAt,
      deletedAt: optNum(s.deletedAt),
      messageCount: 0,
      imageCount: 0,
      totalTokens: 0,
      compactionCount: 0,
      metadata: jsonObj(s.metadata),
    },
    "The session's",
    SESSION_SHAPE,
  );
}

/** An MCP server entry, copied out: `headers` without prototype keys, `enabled` true or false. */
function mcpServer(v: unknown): Obj {
  const m = obj(v, 'An MCP server');
  const out: Obj = { name: m.name, url: m.url, enabled: m.enabled === true };
  for (const k of ['serverId', 'tools'] as const) if (m[k] !== undefined) out[k] = m[k];
  if (isObj(m.headers)) {
    const headers: Obj = {};
    for (const k of Object.keys(m.headers)) if (k !== '__proto__') headers[k] = m.headers[k];
    out.headers = headers;
  } else if (m.headers !== undefined) out.headers = m.headers;
  return out;
}

/** A session's settings; `alwaysAllow` is left out: a file never grants a tool by itself. */
export function settings(v: unknown, sessionId: string): SessionSettingsRow | null {
  if (v === null || v === undefined) return null;
  const s = obj(v, 'Session settings');
  return checked<SessionSettingsRow>(
    {
      sessionId,
      systemPrompt: s.systemPrompt ?? '',
      provider: s.provider ?? null,
      model: s.model ?? null,
      params: s.params === undefined ? {} : isObj(s.params) ? jsonObj(s.params) : s.params,
      allowedTools: s.allowedTools ?? [],
      permissionMode: s.permissionMode ?? 'confirm',
      mcpServers: arr(s.mcpServers ?? [], 'MCP servers').map(mcpServer),
      createdAt: optNum(s.createdAt) ?? 0,
      updatedAt: optNum(s.updatedAt) ?? 0,
    },
    "The session settings'",
    SETTINGS_SHAPE,
  );
}

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    throw invalid('An image is not valid base64.');
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * An image row from its fields and its bytes (a file carries them as base64, a sync document as an
 * attachment): every field copied out and checked.
 */
export function imageRow(i: Obj, sessionId: string, bytes: Uint8Array<ArrayBuffer>): ImageRow {
  const mimeType = typeof i.mimeType === 'string' ? i.mimeType : 'application/octet-stream';
  return {
    id: str(i.id, 'An image id'),
    sessionId,
    messageId: optStr(i.messageId),
    blob: new Blob([bytes], { type: mimeType }),
    data: null,
    mimeType,
    bytes: bytes.byteLength,
    width: optNum(i.width),
    height: optNum(i.height),
    isStyled: i.isStyled === true,
    parentId: optStr(i.parentId),
    meta: jsonObj(i.meta),
    createdAt: num(i.createdAt, 'An image time'),
  };
}

function image(v: unknown, sessionId: string): ImageRow {
  const i = obj(v, 'An image');
  return imageRow(i, sessionId, fromBase64(str(i.base64, 'Image data')));
}

export function event(v: unknown, sessionId: string): CompactionEventRow {
  const e = obj(v, 'A compaction event');
  return {
    id: str(e.id, 'A compaction id'),
    sessionId,
    createdAt: num(e.createdAt, 'A compaction time'),
    strategy: str(e.strategy, 'A compaction strategy'),
    tokensBefore: num(e.tokensBefore, 'Tokens before'),
    tokensAfter: num(e.tokensAfter, 'Tokens after'),
    archivedMessageIds: strings(e.archivedMessageIds, 'Archived messages'),
    preservedMessageIds: strings(e.preservedMessageIds, 'Preserved messages'),
    summaryMessageId: optStr(e.summaryMessageId),
    revertedAt: optNum(e.revertedAt),
  };
}

function archived(v: unknown, sessionId: string, events: ReadonlySet<string>): MessageArchiveRow {
  const a = obj(v, 'An archived message');
  const eventId = str(a.eventId, 'An archive event id');
  if (!events.has(eventId)) throw invalid('An archived message belongs to no compaction.');
  const row = message(a.row, str(obj(a.row, 'An archived row').sessionId, 'Archived session'));
  return {
    eventId,
    messageId: str(a.messageId, 'An archived message id'),
    sessionId,
    row,
    archivedAt: num(a.archivedAt, 'An archive time'),
  };
}

export function readConversation(v: unknown): Conversation {
  const c = obj(v, 'A session entry');
  const s = session(c.session);
  const messages = arr(c.messages ?? [], 'Messages').map((m) => message(m, s.id));
  const seqs = new Set(messages.map((m) => m.seq));
  if (seqs.size !== messages.length) throw invalid('Two messages share a place in the order.');
  if (new Set(messages.map((m) => m.id)).size !== messages.length)
    throw invalid('Two messages share an id.');
  messages.sort((a, b) => a.seq - b.seq);
  const compactionEvents = arr(c.compactionEvents ?? [], 'Compactions').map((e) => event(e, s.id));
  const eventIds = new Set(compactionEvents.map((e) => e.id));
  const branches = branchMessages(c.branchMessages, s, messages);
  return {
    session: s,
    settings: settings(c.settings, s.id),
    messages,
    ...(branches.length > 0 ? { branchMessages: branches } : {}),
    images: arr(c.images ?? [], 'Images').map((i) => image(i, s.id)),
    compactionEvents,
    archive: arr(c.messageArchive ?? [], 'Archive').map((a) => archived(a, s.id, eventIds)),
  };
}

export function workspace(v: unknown): WorkspaceRow {
  const w = obj(v, 'A workspace');
  const createdAt = num(w.createdAt, 'A workspace time');
  return {
    id: str(w.id, 'A workspace id'),
    name: cleanTitle(w.name, 'Imported'),
    createdAt,
    updatedAt: optNum(w.updatedAt) ?? createdAt,
  };
}

/**
 * The workspaces a file lists, leaving out any entry that cannot be read: its sessions still come
 * in, under a workspace of the same id named "Imported", rather than the whole file being refused.
 */
function readable<T>(list: unknown, read: (v: unknown) => T): T[] {
  return arr(list ?? [], 'Workspaces').flatMap((v) => {
    try {
      return [read(v)];
    } catch (e) {
      if (e instanceof InputError) return [];
      throw e;
    }
  });
}

function commandUsage(v: unknown): CommandUsageRow[] {
  const out: CommandUsageRow[] = [];
  for (const x of Array.isArray(v) ? v : []) {
    if (!isObj(x) || typeof x.command !== 'string') continue;
    const usageCount = optNum(x.usageCount);
    const lastUsedAt = optNum(x.lastUsedAt);
    if (usageCount === null || lastUsedAt === null) continue;
    out.push({ command: x.command, usageCount, lastUsedAt });
  }
  return out;
}

const label = (v: unknown): { id: string; title: string } => {
  const s = isObj(v) && isObj(v.session) ? v.session : {};
  return {
    id: typeof s.id === 'string' ? s.id : '(no id)',
    title: cleanTitle(s.title, 'Untitled'),
  };
};

function readV1(f: Obj): ParsedFile {
  const workspaces = readable(f.workspaces, (w): V1WorkspaceRow => {
    const o = obj(w, 'A workspace');
    return {
      id: str(o.id, 'A workspace id'),
      name: cleanTitle(o.name, 'Imported'),
      createdAt: optNum(o.createdAt) ?? 0,
    };
  });
  const chats = arr(f.chats, 'Chats').map((c): V1ChatRow => {
    const o = obj(c, 'A chat');
    return {
      id: str(o.id, 'A chat id'),
      workspaceId: str(o.workspaceId, 'A chat workspace'),
      role: oneOf(o.role, ['user', 'assistant', 'system'] as const, 'A chat role'),
      content: str(o.content, 'A chat text'),
      createdAt: num(o.createdAt, 'A chat time'),
    };
  });
  const out = v1ToV2({ workspaces, chats });
  const items: ParsedItem[] = out.sessions.map((s) => ({
    kind: 'ok',
    conversation: {
      session: s,
      settings: null,
      messages: out.messages.filter((m) => m.sessionId === s.id),
      images: [],
      compactionEvents: [],
      archive: [],
    },
  }));
  return { source: 'tern', workspaces: out.workspaces, commandUsage: [], items };
}

export interface TernHead {
  workspaces: WorkspaceRow[];
  commandUsage: CommandUsageRow[];
  /** App-level settings of an export of everything (domain/app-settings reads them). */
  app?: unknown;
}

/** The envelope's promises checked; throws InputError for a file this Tern cannot take. */
function checkVersions(f: Obj, currentSchema: number): number {
  const formatVersion = num(f.formatVersion, 'The format version');
  const schemaVersion = num(f.schemaVersion, 'The schema version');
  if (formatVersion > FORMAT_VERSION || schemaVersion > currentSchema)
    throw new InputError(
      'future-version',
      'This file was written by a newer version of Tern. Update Tern, then import it again.',
    );
  return schemaVersion;
}

/**
 * Everything but the sessions, of a file of schema version 2 or later (`schemaVersion` says which;
 * version 1 files are read whole). Throws InputError when the file itself is unusable.
 */
export function readTernHead(f: Obj, currentSchema: number): TernHead & { schemaVersion: number } {
  const schemaVersion = checkVersions(f, currentSchema);
  return {
    schemaVersion,
    workspaces: readable(f.workspaces, workspace),
    commandUsage: commandUsage(f.commandUsage),
    ...appOf(f),
  };
}

/**
 * The file's app settings. Files of format 2 written before MCP servers joined them carry the
 * definitions as a top-level `mcpServers`: the same data, taken as that section of `app`.
 */
function appOf(f: Obj): { app?: unknown } {
  const app = isObj(f.app) ? f.app : undefined;
  if (f.mcpServers === undefined || app?.mcpServers !== undefined) return app ? { app } : {};
  return { app: { ...app, mcpServers: f.mcpServers } };
}

/** One entry of `sessions`: a conversation, or the reason it cannot be read. */
export function readTernEntry(entry: unknown): ParsedItem {
  const { id, title } = label(entry);
  return readItem(() => readConversation(json(entry)), id, title);
}

/** The whole file; throws InputError when the file itself (not one session) is unusable. */
export function readTernFile(v: unknown, currentSchema: number): ParsedFile {
  const f = obj(v, 'The file');
  if (checkVersions(f, currentSchema) === 1) return readV1(f);
  const { workspaces, commandUsage, app } = readTernHead(f, currentSchema);
  const items = arr(f.sessions, 'Sessions').map(readTernEntry);
  return { source: 'tern', workspaces, commandUsage, items, ...(app ? { app } : {}) };
}
