// The ChatGPT data export: `conversations.json` (or its shards `conversations-000.json` …), an
// array of conversations, each a tree of nodes in `mapping`. Tern follows the branch the user was
// on (from `current_node` up to the root), skipping the empty root, hidden nodes and the custom
// instructions; tool traffic stays as tool messages; times come in seconds.
import { isObj, isoMs, jsonObj, obj, optStr, secondsMs, title, type Obj } from '../clean';
import type { ImageRow, MessagePart } from '../../db/rows';
import type { ForeignOptions, ParsedItem } from '../types';
import { ROLES } from '../../db/vocab';
import { conversation, readItem, textOf, type ForeignMessage } from './build';

export function isChatGptConversation(v: unknown): boolean {
  return isObj(v) && isObj(v.mapping);
}

/** FNV-1a: a stable id for conversations that carry none (some old exports). */
export function stableHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(36);
}

function activeBranch(mapping: Obj, current: string | null): Obj[] {
  let leaf = current !== null && isObj(mapping[current]) ? current : null;
  if (leaf === null) {
    // No usable current_node: the most recent leaf is the branch the user saw last.
    let best = -Infinity;
    for (const [id, n] of Object.entries(mapping)) {
      if (!isObj(n) || (Array.isArray(n.children) && n.children.length > 0)) continue;
      const t =
        isObj(n.message) && typeof n.message.create_time === 'number' ? n.message.create_time : 0;
      if (t >= best) [best, leaf] = [t, id];
    }
  }
  const out: Obj[] = [];
  const seen = new Set<string>();
  for (let id = leaf; id !== null && !seen.has(id);) {
    seen.add(id);
    const node = mapping[id];
    if (!isObj(node)) break;
    out.push(node);
    id = typeof node.parent === 'string' ? node.parent : null;
  }
  return out.reverse();
}

const MIME: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
};

/** `file-service://file-abc` or `sediment://file_abc` to the zip entry named after that file id. */
function findAsset(pointer: string, files: ReadonlyMap<string, Uint8Array> | undefined) {
  if (!files) return null;
  const path = assetPath(pointer, files.keys());
  const bytes = path === null ? undefined : files.get(path);
  return path !== null && bytes ? { path, bytes } : null;
}

interface Ctx {
  sessionId: string;
  at: number;
  files: ReadonlyMap<string, Uint8Array> | undefined;
  images: ImageRow[];
  missing: string[];
}

function contentParts(msgId: string, content: Obj, ctx: Ctx): MessagePart[] {
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);
  const text = (t: string): MessagePart[] => (t.trim() === '' ? [] : [{ type: 'text', text: t }]);
  switch (content.content_type) {
    case 'text':
      return text(strings(content.parts).join(''));
    case 'multimodal_text': {
      const out: MessagePart[] = [];
      for (const p of Array.isArray(content.parts) ? content.parts : []) {
        if (typeof p === 'string') out.push(...text(p));
        else if (isObj(p) && typeof p.asset_pointer === 'string') {
          const found = findAsset(p.asset_pointer, ctx.files);
          if (!found) {
            ctx.missing.push(p.asset_pointer);
            continue;
          }
          const ext = found.path.slice(found.path.lastIndexOf('.') + 1).toLowerCase();
          const mimeType = MIME[ext] ?? 'application/octet-stream';
          const imageId = `${ctx.sessionId}-${p.asset_pointer.replace(/^[a-z-]+:\/\//, '')}`;
          if (!ctx.images.some((i) => i.id === imageId))
            ctx.images.push({
              id: imageId,
              sessionId: ctx.sessionId,
              messageId: msgId,
              blob: new Blob([found.bytes.slice()], { type: mimeType }),
              data: null,
              mimeType,
              bytes: found.bytes.byteLength,
              width: typeof p.width === 'number' ? p.width : null,
              height: typeof p.height === 'number' ? p.height : null,
              isStyled: false,
              parentId: null,
              meta: { source: 'chatgpt', pointer: p.asset_pointer },
              createdAt: ctx.at,
            });
          out.push({ type: 'image', imageId, mimeType });
        }
      }
      return out;
    }
    case 'code':
      return text(
        typeof content.text === 'string'
          ? '```' + (optStr(content.language) ?? '') + '\n' + content.text + '\n```'
          : '',
      );
    case 'execution_output':
    case 'system_error':
      return text(optStr(content.text) ?? optStr(content.name) ?? '');
    case 'tether_browsing_display':
    case 'tether_quote':
      return text(
        [content.title, content.url, content.text, content.result]
          .filter((x): x is string => typeof x === 'string' && x !== '')
          .join('\n'),
      );
    case 'thoughts':
      return (Array.isArray(content.thoughts) ? content.thoughts : [])
        .map((t) =>
          isObj(t) ? [optStr(t.summary), optStr(t.content)].filter(Boolean).join('\n') : '',
        )
        .filter((t) => t !== '')
        .map((t) => ({ type: 'thinking', text: t }));
    case 'reasoning_recap':
      return typeof content.content === 'string' && content.content !== ''
        ? [{ type: 'thinking', text: content.content }]
        : [];
    default:
      return text(strings(content.parts).join('') || (optStr(content.text) ?? ''));
  }
}

function hidden(m: Obj, content: Obj): boolean {
  const meta = isObj(m.metadata) ? m.metadata : {};
  return (
    m.weight === 0 ||
    meta.is_visually_hidden_from_conversation === true ||
    meta.is_user_system_message === true ||
    content.content_type === 'user_editable_context'
  );
}

function readConversation(c: Obj, index: number, o: ForeignOptions) {
  const mapping = obj(c.mapping, 'Its mapping');
  const sourceId =
    optStr(c.conversation_id) ??
    optStr(c.id) ??
    `n${stableHash(`${String(c.create_time)}|${String(c.title)}|${index}`)}`;
  const sessionId = `chatgpt-${sourceId}`;
  const defaultModel = optStr(c.default_model_slug);
  const createdAt = secondsMs(c.create_time) ?? isoMs(c.create_time);
  const ctx: Ctx = { sessionId, at: createdAt ?? 0, files: o.files, images: [], missing: [] };
  const messages: ForeignMessage[] = [];
  let lastModel: string | null = null;
  let lastCall: string | null = null;
  for (const node of activeBranch(mapping, optStr(c.current_node))) {
    if (!isObj(node.message)) continue;
    const m = node.message;
    const content = isObj(m.content) ? m.content : {};
    if (hidden(m, content)) continue;
    const author = isObj(m.author) ? m.author : {};
    const role = ROLES.find((r) => r === author.role) ?? 'assistant';
    const id = `${sessionId}-${optStr(m.id) ?? optStr(node.id) ?? String(messages.length)}`;
    ctx.at = secondsMs(m.create_time) ?? ctx.at;
    const parts = contentParts(id, content, ctx);
    if (parts.length === 0) continue;
    const meta = isObj(m.metadata) ? m.metadata : {};
    const model = optStr(meta.model_slug) ?? (role === 'assistant' ? defaultModel : null);
    if (role === 'assistant' && model) lastModel = model;
    const recipient = optStr(m.recipient);
    const metadata = jsonObj({ source: 'chatgpt', ...(model ? { model } : {}) });
    if (role === 'assistant' && recipient && recipient !== 'all') {
      // A call to a tool: its text is the call's arguments.
      lastCall = id;
      messages.push({
        id,
        role,
        parts: [{ type: 'tool-call', toolCallId: id, name: recipient, arguments: textOf(parts) }],
        createdAt: ctx.at,
        metadata,
      });
      continue;
    }
    messages.push({
      id,
      role,
      parts,
      createdAt: ctx.at,
      name: role === 'tool' ? optStr(author.name) : null,
      toolCallId: role === 'tool' ? lastCall : null,
      metadata,
    });
  }
  const model = defaultModel ?? lastModel;
  const meta = jsonObj({
    source: 'chatgpt',
    sourceId,
    ...(c.is_archived === true ? { archived: true } : {}),
    ...(typeof c.gizmo_id === 'string' ? { gizmoId: c.gizmo_id } : {}),
    ...(ctx.missing.length > 0 ? { missingImages: ctx.missing } : {}),
  });
  return conversation({
    id: sessionId,
    workspaceId: o.workspaceId,
    title: title(c.title, 'Untitled'),
    model,
    createdAt,
    updatedAt: secondsMs(c.update_time),
    messages,
    metadata: meta,
    settings: { model },
    images: ctx.images,
  });
}

/** One conversation of the list; `index` is its place in the whole export (for id-less ones). */
export function readChatGptItem(c: unknown, index: number, o: ForeignOptions): ParsedItem {
  const label = isObj(c)
    ? (optStr(c.conversation_id) ?? optStr(c.id) ?? `#${index + 1}`)
    : `#${index + 1}`;
  const name = isObj(c) ? title(c.title, 'Untitled') : 'Untitled';
  return readItem(() => readConversation(obj(c, 'A conversation'), index, o), label, name);
}

export function readChatGpt(list: readonly unknown[], o: ForeignOptions): ParsedItem[] {
  return list.map((c, i) => readChatGptItem(c, i, o));
}

/** The images a conversation points at (`file-service://…`, `sediment://…`), to fetch first. */
export function assetPointers(c: unknown): string[] {
  const out: string[] = [];
  if (!isObj(c) || !isObj(c.mapping)) return out;
  for (const node of Object.values(c.mapping)) {
    const content = isObj(node) && isObj(node.message) ? node.message.content : null;
    if (!isObj(content) || !Array.isArray(content.parts)) continue;
    for (const p of content.parts)
      if (isObj(p) && typeof p.asset_pointer === 'string') out.push(p.asset_pointer);
  }
  return out;
}

/** The path among `paths` that an asset pointer names, by the rule the importer uses. */
export function assetPath(pointer: string, paths: Iterable<string>): string | null {
  const id = pointer.replace(/^[a-z-]+:\/\//, '');
  if (id === '') return null;
  for (const path of paths) if (path.slice(path.lastIndexOf('/') + 1).startsWith(id)) return path;
  return null;
}
