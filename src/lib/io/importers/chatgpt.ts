// The ChatGPT data export: `conversations.json` (or its shards `conversations-000.json` …), an
// array of conversations, each a tree of nodes in `mapping`. Every version is kept: the branch the
// user was on (from `current_node` up to the root) is the one on screen, the others wait as
// branches. The empty root, hidden nodes and the custom instructions are skipped, their children
// following the nearest message kept; tool traffic stays as tool messages; times come in seconds.
import { isObj, isoMs, jsonObj, obj, optStr, secondsMs, title, type Obj } from '../clean';
import { BRANCH_ROOT, type ImageRow, type MessagePart } from '../../db/rows';
import type { ForeignOptions, ParsedItem } from '../types';
import { ROLES } from '../../db/vocab';
import {
  conversation,
  readItem,
  textOf,
  type ForeignBranchMessage,
  type ForeignMessage,
} from './build';
import { plantTree, type TreeNode } from './tree';

export function isChatGptConversation(v: unknown): boolean {
  return isObj(v) && isObj(v.mapping);
}

/** FNV-1a: a stable id for conversations that carry none (some old exports). */
export function stableHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(36);
}

/** The mapping as a tree: a node's parent from its own `parent`, else from a node listing it. */
function mappingTree(mapping: Obj, current: string | null) {
  const listed = new Map<string, string>();
  for (const [id, n] of Object.entries(mapping))
    if (isObj(n) && Array.isArray(n.children))
      for (const c of n.children) if (typeof c === 'string' && !listed.has(c)) listed.set(c, id);
  const nodes: TreeNode[] = [];
  for (const [id, n] of Object.entries(mapping)) {
    if (!isObj(n)) continue;
    const t = isObj(n.message) ? n.message.create_time : null;
    nodes.push({
      key: id,
      parent: typeof n.parent === 'string' ? n.parent : (listed.get(id) ?? null),
      time: typeof t === 'number' ? t : 0,
    });
  }
  return plantTree(nodes, current);
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
  const tree = mappingTree(mapping, optStr(c.current_node));
  const active = new Set(tree.active);
  const messages: ForeignMessage[] = [];
  const branches: ForeignBranchMessage[] = [];
  const used = new Set<string>();
  let lastModel: string | null = null;
  // What each node hands to its children: the message they follow, the time so far, the last
  // tool call (a tool's answer belongs to it) and the depth of kept messages above.
  interface Above {
    parentId: string;
    at: number;
    lastCall: string | null;
    depth: number;
  }
  const root: Above = { parentId: BRANCH_ROOT, at: createdAt ?? 0, lastCall: null, depth: 0 };
  const above = new Map<string, Above>();
  for (const key of tree.order) {
    const p = tree.parent.get(key);
    const from = (p === null || p === undefined ? undefined : above.get(p)) ?? root;
    above.set(key, from);
    const node = mapping[key];
    if (!isObj(node) || !isObj(node.message)) continue;
    const m = node.message;
    const content = isObj(m.content) ? m.content : {};
    if (hidden(m, content)) continue;
    const author = isObj(m.author) ? m.author : {};
    const role = ROLES.find((r) => r === author.role) ?? 'assistant';
    let id = `${sessionId}-${optStr(m.id) ?? optStr(node.id) ?? key}`;
    if (used.has(id)) id = `${sessionId}-${key}`;
    if (used.has(id)) id = `${sessionId}-${key}-${used.size}`;
    const at = Math.max(secondsMs(m.create_time) ?? from.at, from.at);
    ctx.at = at;
    const parts = contentParts(id, content, ctx);
    if (parts.length === 0) continue;
    used.add(id);
    const meta = isObj(m.metadata) ? m.metadata : {};
    const model = optStr(meta.model_slug) ?? (role === 'assistant' ? defaultModel : null);
    if (role === 'assistant' && model && active.has(key)) lastModel = model;
    const recipient = optStr(m.recipient);
    const metadata = jsonObj({ source: 'chatgpt', ...(model ? { model } : {}) });
    // A call to a tool: its text is the call's arguments.
    const call = role === 'assistant' && recipient !== null && recipient !== 'all';
    const message: ForeignMessage = call
      ? {
          id,
          role,
          parts: [{ type: 'tool-call', toolCallId: id, name: recipient, arguments: textOf(parts) }],
          createdAt: at,
          metadata,
        }
      : {
          id,
          role,
          parts,
          createdAt: at,
          name: role === 'tool' ? optStr(author.name) : null,
          toolCallId: role === 'tool' ? from.lastCall : null,
          metadata,
        };
    if (active.has(key)) messages.push(message);
    else branches.push({ ...message, parentId: from.parentId, seq: from.depth + 1 });
    above.set(key, {
      parentId: id,
      at,
      lastCall: call ? id : from.lastCall,
      depth: from.depth + 1,
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
    branches,
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
