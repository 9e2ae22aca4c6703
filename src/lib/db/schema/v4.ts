// Version 4, 2026-12-05 — every version of a conversation kept, as a tree. Never edit this file
// once shipped.
//
// What changed:
// - branchMessages: the messages of the versions not on screen. The version on screen (the active
//   path) stays in `messages`, ordered by seq, so opening a session and paging through it read
//   exactly as before. A row here is a message row with `parentId` (the message it follows; '' for
//   a first message) and `setAsideAt` (when it left the active path, which picks the continuation
//   shown when the user flips back to its branch). Indexed by `sessionId` (a session's whole tree
//   goes with it) and by [sessionId+parentId] (the versions that follow one message).
// - The upgrade adds the empty store and changes no row: every existing session is a tree of one
//   branch, its active path.
import type { SchemaVersion } from './types';

export const v4: SchemaVersion = {
  version: 4,
  date: '2026-12-05',
  notes: [
    'Branches: the messages of the versions not on screen, by session and by the message they follow.',
    'Created empty; every existing session is a one-branch tree with nothing else changed.',
  ],
  stores: {
    branchMessages: 'id, sessionId, [sessionId+parentId]',
  },
  async upgrade() {
    // Nothing to move: the active path is where it was, and there are no other versions yet.
  },
};
