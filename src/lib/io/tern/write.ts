// Writes the export file. Keys come out sorted and rows in a fixed order, so exporting the same
// data twice gives the same bytes apart from `exportedAt`. The file is built as a list of pieces
// (one per session) to be put in a Blob, never as one string the size of the whole history.
import type { ExportRows } from '../../domain/export';
import type { ImageRow, JsonValue, SessionSettingsRow } from '../../db/rows';
import type { Conversation } from '../types';
import {
  FORMAT_NAME,
  FORMAT_VERSION,
  type Envelope,
  type ImageInFile,
  type ScopeInFile,
  type SessionInFile,
} from './envelope';

export interface WriteOptions {
  scope: ScopeInFile;
  appVersion: string;
  schemaVersion: number;
  includeImages: boolean;
  /** Credentials kept in settings (MCP server headers, key-like parameters). Off unless asked. */
  includeSecrets: boolean;
  exportedAt: number;
  /** App-level settings (providers, MCP servers, …), already without credentials unless asked. */
  appSettings?: Record<string, unknown>;
}

const SECRET = /(api[-_]?key|token|secret|password|authorization|bearer|cookie)/i;

/** JSON with object keys sorted at every level: the same value always gives the same text. */
export function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    const s = JSON.stringify(v);
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
}

export function stripSecrets(s: SessionSettingsRow): SessionSettingsRow {
  const params: Record<string, JsonValue | undefined> = {};
  for (const [k, v] of Object.entries(s.params)) if (!SECRET.test(k)) params[k] = v;
  return {
    ...s,
    params,
    mcpServers: s.mcpServers.map((m) => {
      const kept = { ...m };
      delete kept.headers;
      return kept;
    }),
  };
}

const CHUNK = 0x8000;

export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += CHUNK)
    bin += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(bin);
}

async function imageInFile(img: ImageRow): Promise<ImageInFile> {
  const buf = img.blob ? await img.blob.arrayBuffer() : (img.data ?? new ArrayBuffer(0));
  return {
    id: img.id,
    sessionId: img.sessionId,
    messageId: img.messageId,
    mimeType: img.mimeType,
    bytes: img.bytes,
    width: img.width,
    height: img.height,
    isStyled: img.isStyled,
    parentId: img.parentId,
    meta: img.meta,
    createdAt: img.createdAt,
    base64: toBase64(new Uint8Array(buf)),
  };
}

async function sessionInFile(c: Conversation, o: WriteOptions): Promise<SessionInFile> {
  const images: ImageInFile[] = [];
  if (o.includeImages) for (const img of c.images) images.push(await imageInFile(img));
  return {
    session: c.session,
    settings: c.settings && !o.includeSecrets ? stripSecrets(c.settings) : c.settings,
    messages: c.messages,
    branchMessages: c.branchMessages ?? [],
    images,
    compactionEvents: c.compactionEvents,
    messageArchive: c.archive,
  };
}

/** The file as pieces of text that, joined, are one JSON document. */
export async function writeTernFile(rows: ExportRows, o: WriteOptions): Promise<string[]> {
  const envelope: Envelope = {
    format: FORMAT_NAME,
    formatVersion: FORMAT_VERSION,
    schemaVersion: o.schemaVersion,
    appVersion: o.appVersion,
    exportedAt: o.exportedAt,
    scope: o.scope,
    images: o.includeImages ? 'included' : 'omitted',
    secrets: o.includeSecrets ? 'included' : 'omitted',
  };
  const head = canonical({
    ...envelope,
    ...(o.appSettings && Object.keys(o.appSettings).length > 0 ? { app: o.appSettings } : {}),
    commandUsage: rows.commandUsage,
    workspaces: rows.workspaces,
  });
  // Sessions go last so that a reader can take the envelope before the bulk of the file.
  const pieces = [`${head.slice(0, -1)},"sessions":[`];
  for (const [i, c] of rows.conversations.entries())
    pieces.push((i > 0 ? ',' : '') + canonical(await sessionInFile(c, o)));
  pieces.push(']}');
  return pieces;
}
