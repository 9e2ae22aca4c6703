// Version 1 — the original release, declared 2026-11-22 exactly as it shipped. Never edit this file.
// Its layout is a contract with every browser that ran the first release (docs/architecture.md).
import type { SchemaVersion } from './types';

export const v1: SchemaVersion = {
  version: 1,
  date: '2026-11-22',
  notes: [
    'The original release as shipped: workspaces and their chats, one flat list per workspace.',
  ],
  stores: {
    workspaces: 'id',
    chats: 'id, workspaceId, createdAt',
  },
};
