// Exports of the browser chat apps people most often leave for Tern: BetterChatGPT, NextChat and
// chatbot-ui (the 2023 local version, export versions 1 to 4). Each brings its messages and the
// settings Tern has a place for (model, temperature, top p, max tokens, penalties, system prompt).
// API keys that some of these files carry (NextChat's `access-control`) are never read.
import { isObj, jsonObj, obj, optNum, optStr, title, type Obj } from '../clean';
import type { ImageRow, MessagePart, ModelParams, Role } from '../../db/rows';
import type { ForeignOptions, ParsedItem } from '../types';
import { ROLES } from '../../db/vocab';
import { stableHash } from './chatgpt';
import { conversation, readItem, type ForeignMessage } from './build';

const roleOf = (v: unknown): Role => ROLES.find((r) => r === v) ?? 'user';

function params(c: Obj): ModelParams {
  const p: ModelParams = {};
  const t = optNum(c.temperature);
  if (t !== null) p.temperature = t;
  const topP = optNum(c.top_p);
  if (topP !== null) p.topP = topP;
  const max = optNum(c.max_tokens);
  if (max !== null) p.maxTokens = max;
  const pp = optNum(c.presence_penalty);
  if (pp !== null) p.presencePenalty = pp;
  const fp = optNum(c.frequency_penalty);
  if (fp !== null) p.frequencyPenalty = fp;
  return p;
}

const idOf = (v: unknown, fallback: string): string =>
  typeof v === 'string' || typeof v === 'number' ? String(v) : fallback;

function simpleMessages(list: unknown, sessionId: string, at: number): ForeignMessage[] {
  return (Array.isArray(list) ? list : []).filter(isObj).flatMap((m, i) => {
    const text = typeof m.content === 'string' ? m.content : '';
    if (text === '') return [];
    return [
      {
        id: `${sessionId}-${i + 1}`,
        role: roleOf(m.role),
        parts: [{ type: 'text', text }],
        createdAt: at,
      },
    ];
  });
}

const shapeOf = (v: unknown): string =>
  v === undefined
    ? 'missing'
    : v === null
      ? 'null'
      : typeof v === 'object'
        ? 'an object'
        : `a ${typeof v}`;

/**
 * A file that carries one of these apps' own markers but no conversations Tern can reach: the reason in
 * words, or null. Such a file is refused as a whole, as Tern's own format is, instead of being
 * reported as "0 conversations imported".
 */
export function webAppShapeProblem(v: unknown): string | null {
  if (!isObj(v)) return null;
  const store = v['chat-next-web-store'];
  const [app, list, field] = isObj(store)
    ? ['NextChat backup', store.sessions, 'sessions']
    : 'chats' in v && ('folders' in v || 'version' in v)
      ? ['BetterChatGPT export', v.chats, 'chats']
      : 'history' in v && ('folders' in v || 'prompts' in v || 'version' in v)
        ? ['chatbot-ui export', v.history, 'history']
        : [null, null, null];
  if (app === null) return null;
  if (!Array.isArray(list))
    return `This looks like a ${app}, but its list of conversations ("${field}") is ${shapeOf(list)}, not a list: nothing was imported.`;
  if (!list.some(isObj)) return `This ${app} holds no conversations: nothing was imported.`;
  return null;
}

// BetterChatGPT: { chats, folders, version: 1 } or a bare array of chats (the per-chat download).

export function isBetterChatGpt(v: unknown): boolean {
  const chats = isObj(v) && Array.isArray(v.chats) ? v.chats : Array.isArray(v) ? v : null;
  const first: unknown = chats?.find(isObj);
  return isObj(first) && Array.isArray(first.messages) && isObj(first.config) && 'title' in first;
}

export function readBetterChatGpt(v: unknown, o: ForeignOptions): ParsedItem[] {
  const chats: unknown[] = Array.isArray(v) ? v : isObj(v) && Array.isArray(v.chats) ? v.chats : [];
  const folders = isObj(v) && isObj(v.folders) ? v.folders : {};
  return chats.map((c, i) => {
    const name = isObj(c) ? title(c.title, 'Untitled') : 'Untitled';
    const sourceId = isObj(c) ? idOf(c.id, `n${stableHash(`${name}|${i}`)}`) : `#${i + 1}`;
    return readItem(
      () => {
        const chat = obj(c, 'A chat');
        const config = isObj(chat.config) ? chat.config : {};
        const id = `betterchatgpt-${sourceId}`;
        const folderId = optStr(chat.folder);
        const folder =
          folderId !== null && isObj(folders[folderId]) ? optStr(folders[folderId].name) : folderId;
        const model = optStr(config.model);
        return conversation({
          id,
          workspaceId: o.workspaceId,
          title: name,
          model,
          createdAt: o.now,
          updatedAt: o.now,
          messages: simpleMessages(chat.messages, id, o.now),
          metadata: jsonObj({ source: 'betterchatgpt', sourceId, ...(folder ? { folder } : {}) }),
          settings: { model, params: params(config) },
        });
      },
      sourceId,
      name,
    );
  });
}

// NextChat: the backup file, one key per store; sessions in `chat-next-web-store`.

export function isNextChat(v: unknown): boolean {
  return isObj(v) && isObj(v['chat-next-web-store']);
}

function dataUrlImage(url: string, id: string, sessionId: string, at: number): ImageRow | null {
  const m = /^data:([\w/+.-]+);base64,(.*)$/s.exec(url);
  if (!m?.[1] || m[2] === undefined) return null;
  let bin: string;
  try {
    bin = atob(m[2]);
  } catch {
    return null;
  }
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return {
    id,
    sessionId,
    messageId: null,
    blob: new Blob([bytes], { type: m[1] }),
    data: null,
    mimeType: m[1],
    bytes: bytes.length,
    width: null,
    height: null,
    isStyled: false,
    parentId: null,
    meta: { source: 'nextchat' },
    createdAt: at,
  };
}

function nextChatSession(s: Obj, o: ForeignOptions) {
  const sourceId = idOf(s.id, `n${stableHash(String(s.topic))}`);
  const id = `nextchat-${sourceId}`;
  const updated = optNum(s.lastUpdate) ?? o.now;
  const mask = isObj(s.mask) ? s.mask : {};
  const config = isObj(mask.modelConfig) ? mask.modelConfig : {};
  const images: ImageRow[] = [];
  const context = simpleMessages(mask.context, `${id}-context`, updated).map((m) => m.parts);
  const messages: ForeignMessage[] = [];
  for (const [i, raw] of (Array.isArray(s.messages) ? s.messages : []).entries()) {
    if (!isObj(raw)) continue;
    const mid = `${id}-${idOf(raw.id, String(i + 1))}`;
    const at = typeof raw.date === 'string' ? Date.parse(raw.date) : NaN;
    const parts: MessagePart[] = [];
    if (typeof raw.content === 'string') {
      if (raw.content !== '') parts.push({ type: 'text', text: raw.content });
    } else if (Array.isArray(raw.content)) {
      for (const p of raw.content.filter(isObj)) {
        if (p.type === 'text' && typeof p.text === 'string')
          parts.push({ type: 'text', text: p.text });
        const url = isObj(p.image_url) ? optStr(p.image_url.url) : null;
        if (p.type === 'image_url' && url) {
          const img = dataUrlImage(
            url,
            `${mid}-img${parts.length}`,
            id,
            Number.isFinite(at) ? at : updated,
          );
          if (img) {
            images.push({ ...img, messageId: mid });
            parts.push({ type: 'image', imageId: img.id, mimeType: img.mimeType });
          } else parts.push({ type: 'text', text: `[image: ${url.slice(0, 200)}]` });
        }
      }
    }
    if (parts.length === 0) continue;
    messages.push({
      id: mid,
      role: roleOf(raw.role),
      parts,
      createdAt: Number.isFinite(at) ? at : 0,
      metadata: jsonObj({
        source: 'nextchat',
        ...(typeof raw.model === 'string' ? { model: raw.model } : {}),
        ...(raw.isError === true ? { isError: true } : {}),
      }),
    });
  }
  const model = optStr(config.model);
  const systemPrompt = context
    .map((p) => p.map((x) => (x.type === 'text' ? x.text : '')).join(''))
    .join('\n\n');
  return conversation({
    id,
    workspaceId: o.workspaceId,
    title: title(s.topic, 'Untitled'),
    model,
    createdAt: messages[0]?.createdAt || updated,
    updatedAt: updated,
    messages,
    metadata: jsonObj({
      source: 'nextchat',
      sourceId,
      ...(typeof s.memoryPrompt === 'string' && s.memoryPrompt !== ''
        ? { memoryPrompt: s.memoryPrompt }
        : {}),
    }),
    settings: {
      model,
      systemPrompt,
      provider: optStr(config.providerName),
      params: params(config),
    },
    images,
  });
}

export function readNextChat(v: unknown, o: ForeignOptions): ParsedItem[] {
  const store = isObj(v) && isObj(v['chat-next-web-store']) ? v['chat-next-web-store'] : {};
  const sessions: unknown[] = Array.isArray(store.sessions) ? store.sessions : [];
  return sessions.map((s, i) => {
    const label = isObj(s) ? idOf(s.id, `#${i + 1}`) : `#${i + 1}`;
    const name = isObj(s) ? title(s.topic, 'Untitled') : 'Untitled';
    return readItem(() => nextChatSession(obj(s, 'A session'), o), label, name);
  });
}

// chatbot-ui (local version): V4 { version: 4, history, folders, prompts }, V3, V2 { history,
// folders }, V1 a bare array of { id, name, messages }.

export function isChatbotUi(v: unknown): boolean {
  const history = isObj(v) && Array.isArray(v.history) ? v.history : Array.isArray(v) ? v : null;
  const first: unknown = history?.find(isObj);
  return isObj(first) && Array.isArray(first.messages) && 'name' in first && !('config' in first);
}

export function readChatbotUi(v: unknown, o: ForeignOptions): ParsedItem[] {
  const history: unknown[] = Array.isArray(v)
    ? v
    : isObj(v) && Array.isArray(v.history)
      ? v.history
      : [];
  const folders = new Map<string, string>();
  if (isObj(v) && Array.isArray(v.folders))
    for (const f of v.folders.filter(isObj)) folders.set(idOf(f.id, ''), optStr(f.name) ?? '');
  return history.map((c, i) => {
    const name = isObj(c) ? title(c.name, 'Untitled') : 'Untitled';
    const sourceId = isObj(c) ? idOf(c.id, `n${stableHash(`${name}|${i}`)}`) : `#${i + 1}`;
    return readItem(
      () => {
        const chat = obj(c, 'A conversation');
        const id = `chatbot-ui-${sourceId}`;
        const model = isObj(chat.model) ? (optStr(chat.model.id) ?? optStr(chat.model.name)) : null;
        const folder = folders.get(idOf(chat.folderId, '')) ?? null;
        const p: ModelParams = {};
        const t = optNum(chat.temperature);
        if (t !== null) p.temperature = t;
        return conversation({
          id,
          workspaceId: o.workspaceId,
          title: name,
          model,
          createdAt: o.now,
          updatedAt: o.now,
          messages: simpleMessages(chat.messages, id, o.now),
          metadata: jsonObj({ source: 'chatbot-ui', sourceId, ...(folder ? { folder } : {}) }),
          settings: { model, systemPrompt: optStr(chat.prompt) ?? '', params: p },
        });
      },
      sourceId,
      name,
    );
  });
}
