// Version 2, 2026-11-22 — sessions, and everything a chat app keeps. Shipped: never edit this file.
//
// What changed:
// - New stores: sessions (many per workspace, trash through deletedAt), messages (ordered by a
//   per-session seq, unique through &[sessionId+seq]), images (Blobs), sessionSettings (one per
//   session), commandUsage, compactionEvents, messageArchive (exact rows a compaction took out)
//   and meta (upgrade markers and app facts).
// - Every v1 chat moves into a "Legacy Chat" session of its workspace (transforms/v1-to-v2.ts);
//   the chats store is removed.
// - images.bytes is indexed so that, when the disk is full, the largest can be offered first.
// - messages.openStatus is a sparse index: it holds the status only while a message is pending or
//   streaming, so the outbox and interrupted streams are found without indexing every message.
import type { Table } from 'dexie';
import type { V1ChatRow, V1WorkspaceRow } from './v1-rows';
import { v1ToV2 } from '../transforms/v1-to-v2';
import type { SchemaVersion } from './types';

export const v2: SchemaVersion = {
  version: 2,
  date: '2026-11-22',
  notes: [
    'Sessions, messages, images, per-session settings, command usage, compaction audit and archive.',
    'Backfill: one Legacy Chat per workspace holding its v1 chats in createdAt order; chats removed.',
  ],
  stores: {
    workspaces: 'id',
    sessions: 'id, workspaceId, [workspaceId+lastActivityAt], lastActivityAt, deletedAt',
    messages: 'id, &[sessionId+seq], [openStatus+createdAt]',
    images: 'id, [sessionId+createdAt], messageId, parentId, bytes',
    sessionSettings: 'sessionId',
    commandUsage: 'command',
    compactionEvents: 'id, [sessionId+createdAt]',
    messageArchive: '[eventId+messageId], sessionId',
    meta: 'key',
    chats: null,
  },
  async upgrade(tx) {
    const workspaces = await (tx.table('workspaces') as Table<V1WorkspaceRow>).toArray();
    const chats = await (tx.table('chats') as Table<V1ChatRow>).toArray();
    const out = v1ToV2({ workspaces, chats });
    await tx.table('workspaces').bulkPut(out.workspaces);
    if (out.sessions.length > 0) await tx.table('sessions').bulkAdd(out.sessions);
    if (out.messages.length > 0) await tx.table('messages').bulkAdd(out.messages);
  },
};
