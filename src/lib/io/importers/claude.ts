// The Claude.ai data export: `conversations.json`, an array of conversations with their
// `chat_messages` in order (null entries happen), each naming the message it follows: a retried
// answer is kept as another version of the one it replaced. The text is taken from the content blocks (the
// flat `text` can be empty); thinking is kept apart from the reply; a tool use and its result
// become a call and a tool message; the extracted text of attachments is kept with the message.
import { isObj, isoMs, jsonObj, obj, optStr, title, type Obj } from '../clean';
import { BRANCH_ROOT, type JsonObject, type MessagePart } from '../../db/rows';
import type { ForeignOptions, ParsedItem } from '../types';
import { conversation, readItem, type ForeignBranchMessage, type ForeignMessage } from './build';
import { plantTree } from './tree';

export function isClaudeConversation(v: unknown): boolean {
  return isObj(v) && Array.isArray(v.chat_messages);
}

/**
 * The messages as a tree where the export carries one (`parent_message_uuid`): a retried answer is
 * a sibling of the one it replaced. The version on screen ends at `current_leaf_message_uuid`, or
 * else at the latest message; without parent ids, the list is one version in its own order.
 */
function tree(c: Obj): { list: Obj[]; parent: Map<Obj, Obj | null>; active: Set<Obj> } {
  const list = (c.chat_messages as unknown[]).filter(isObj);
  if (!list.some((m) => typeof m.parent_message_uuid === 'string'))
    return {
      list,
      parent: new Map(list.map((m, i) => [m, list[i - 1] ?? null])),
      active: new Set(list),
    };
  const keyed = list.map((m, i) => ({ m, key: optStr(m.uuid) ?? `#${i}` }));
  const byKey = new Map<string, Obj>();
  for (const { m, key } of keyed) if (!byKey.has(key)) byKey.set(key, m);
  const planted = plantTree(
    keyed.map(({ m, key }) => ({
      key,
      parent: optStr(m.parent_message_uuid),
      time: isoMs(m.created_at) ?? 0,
    })),
    optStr(c.current_leaf_message_uuid),
  );
  const at = (k: string | null | undefined) => (k ? (byKey.get(k) ?? null) : null);
  const parent = new Map<Obj, Obj | null>();
  for (const [k, p] of planted.parent) parent.set(byKey.get(k) as Obj, at(p));
  return {
    list: planted.order.map((k) => byKey.get(k) as Obj),
    parent,
    active: new Set(planted.active.map((k) => byKey.get(k) as Obj)),
  };
}

function blockText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v)) return '';
  return v
    .map((b) => (isObj(b) && typeof b.text === 'string' ? b.text : ''))
    .filter((t) => t !== '')
    .join('\n');
}

function readMessage(m: Obj, sessionId: string, at: number): ForeignMessage[] {
  const base = `${sessionId}-${optStr(m.uuid) ?? String(at)}`;
  const role = m.sender === 'human' || m.sender === 'user' ? 'user' : 'assistant';
  const createdAt = isoMs(m.created_at) ?? at;
  const metadata: JsonObject = { source: 'claude' };
  const attachments = (Array.isArray(m.attachments) ? m.attachments : []).filter(isObj).map((a) =>
    jsonObj({
      fileName: optStr(a.file_name) ?? '',
      fileType: optStr(a.file_type) ?? '',
      fileSize: typeof a.file_size === 'number' ? a.file_size : null,
      extractedContent: optStr(a.extracted_content) ?? '',
    }),
  );
  if (attachments.length > 0) metadata.attachments = attachments;
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const files = [...list(m.files), ...list(m.files_v2)]
    .filter(isObj)
    .map((f) => optStr(f.file_name))
    .filter((n): n is string => n !== null);
  if (files.length > 0) metadata.files = [...new Set(files)];

  const out: ForeignMessage[] = [];
  let parts: MessagePart[] = [];
  const flush = () => {
    if (parts.length === 0) return;
    out.push({
      id: out.length === 0 ? base : `${base}-${out.length}`,
      role,
      parts,
      createdAt,
      metadata,
    });
    parts = [];
  };
  const blocks = Array.isArray(m.content) ? m.content.filter(isObj) : [];
  for (const b of blocks) {
    if (b.type === 'text' && typeof b.text === 'string' && b.text !== '')
      parts.push({ type: 'text', text: b.text });
    else if (b.type === 'thinking' && typeof b.thinking === 'string' && b.thinking !== '')
      parts.push({ type: 'thinking', text: b.thinking });
    else if (b.type === 'tool_use') {
      const name = optStr(b.name) ?? 'tool';
      parts.push({
        type: 'tool-call',
        toolCallId: optStr(b.id) ?? `${base}-call-${out.length}`,
        name,
        arguments: JSON.stringify(jsonObj(b.input)),
      });
      flush();
    } else if (b.type === 'tool_result') {
      flush();
      const last = out[out.length - 1]?.parts.find((p) => p.type === 'tool-call');
      const callId = optStr(b.tool_use_id) ?? (last?.type === 'tool-call' ? last.toolCallId : null);
      out.push({
        id: `${base}-${out.length}`,
        role: 'tool',
        name: optStr(b.name),
        toolCallId: callId,
        parts: [{ type: 'text', text: blockText(b.content) }],
        createdAt,
        metadata: { source: 'claude', ...(b.is_error === true ? { isError: true } : {}) },
      });
    }
  }
  if (blocks.length === 0 && typeof m.text === 'string' && m.text !== '')
    parts.push({ type: 'text', text: m.text });
  if (parts.length === 0 && out.length === 0 && attachments.length > 0)
    parts.push({ type: 'text', text: typeof m.text === 'string' ? m.text : '' });
  flush();
  return out;
}

function readConversation(c: Obj, o: ForeignOptions) {
  const sourceId = optStr(c.uuid);
  if (sourceId === null) throw new Error('It has no uuid.');
  const sessionId = `claude-${sourceId}`;
  const createdAt = isoMs(c.created_at);
  const { list, parent, active } = tree(c);
  const messages: ForeignMessage[] = [];
  const branches: ForeignBranchMessage[] = [];
  // What each message hands to those after it: its last stored message, time and depth.
  const after = new Map<Obj, { id: string; at: number; depth: number }>();
  const root = { id: BRANCH_ROOT, at: createdAt ?? 0, depth: 0 };
  const used = new Set<string>();
  for (const m of list) {
    const p = parent.get(m);
    const from = (p ? after.get(p) : undefined) ?? root;
    const read = readMessage(m, sessionId, from.at).filter((r) => !used.has(r.id));
    let last = from;
    for (const read1 of read) {
      const r = { ...read1, createdAt: Math.max(read1.createdAt, last.at) };
      used.add(r.id);
      if (active.has(m)) messages.push(r);
      else branches.push({ ...r, parentId: last.id, seq: last.depth + 1 });
      last = { id: r.id, at: Math.max(r.createdAt, last.at), depth: last.depth + 1 };
    }
    after.set(m, last);
  }
  const model = optStr(c.model);
  return conversation({
    id: sessionId,
    workspaceId: o.workspaceId,
    title: title(c.name, title(c.summary, 'Untitled')),
    model,
    createdAt,
    updatedAt: isoMs(c.updated_at),
    messages,
    branches,
    metadata: jsonObj({
      source: 'claude',
      sourceId,
      ...(typeof c.summary === 'string' && c.summary !== '' ? { summary: c.summary } : {}),
    }),
  });
}

export function readClaudeItem(c: unknown, index: number, o: ForeignOptions): ParsedItem {
  const label = isObj(c) ? (optStr(c.uuid) ?? `#${index + 1}`) : `#${index + 1}`;
  const name = isObj(c) ? title(c.name, 'Untitled') : 'Untitled';
  return readItem(() => readConversation(obj(c, 'A conversation'), o), label, name);
}

export function readClaude(list: readonly unknown[], o: ForeignOptions): ParsedItem[] {
  return list.map((c, i) => readClaudeItem(c, i, o));
}
