// The Claude.ai data export: `conversations.json`, an array of conversations with their
// `chat_messages` in order (null entries happen). The text is taken from the content blocks (the
// flat `text` can be empty); thinking is kept apart from the reply; a tool use and its result
// become a call and a tool message; the extracted text of attachments is kept with the message.
import { isObj, isoMs, jsonObj, obj, optStr, title, type Obj } from '../clean';
import type { JsonObject, MessagePart } from '../../db/rows';
import type { ForeignOptions, ParsedItem } from '../types';
import { conversation, readItem, type ForeignMessage } from './build';

export function isClaudeConversation(v: unknown): boolean {
  return isObj(v) && Array.isArray(v.chat_messages);
}

/** Where the export carries the tree (parent ids and a current leaf), follow the active branch. */
function ordered(c: Obj): Obj[] {
  const list = (c.chat_messages as unknown[]).filter(isObj);
  const leaf = optStr(c.current_leaf_message_uuid);
  if (leaf === null || !list.some((m) => typeof m.parent_message_uuid === 'string')) return list;
  const byId = new Map(list.map((m) => [optStr(m.uuid) ?? '', m]));
  const out: Obj[] = [];
  const seen = new Set<string>();
  for (let id: string | null = leaf; id !== null && !seen.has(id);) {
    seen.add(id);
    const m = byId.get(id);
    if (!m) break;
    out.push(m);
    id = optStr(m.parent_message_uuid);
  }
  return out.length > 0 ? out.reverse() : list;
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
  let at = createdAt ?? 0;
  const messages: ForeignMessage[] = [];
  for (const m of ordered(c)) {
    const read = readMessage(m, sessionId, at);
    at = read[0]?.createdAt ?? at;
    messages.push(...read);
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
