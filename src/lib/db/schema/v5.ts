// Version 5, 2026-12-05 — a clock for every record, for sync between the user's devices. Never edit
// this file once shipped.
//
// What changed:
// - syncClocks: one row per synced record (a workspace, a session, a message in either message
//   store, an image, a session's settings, a command's usage, a compaction and an archived message),
//   keyed `<kind>|<id>`: `c`, the hybrid logical clock of its last change (wall time, counter,
//   device), which settles conflicts the same way on every device (the later change wins), and
//   `dirty`, set while the change is not yet on the server (a sparse index: the outbox of sync).
//   A record whose clock row remains after the record is gone is a tombstone: its deletion syncs,
//   and loses to a newer edit from another device.
// - The upgrade adds the empty store and changes no row. Every existing record gets its clock after
//   the open, in the background, from a watermark in `meta` (`sync:backfill`): stamping a large
//   history inside the versionchange transaction would hold the app's first screen.
import type { SchemaVersion } from './types';

export const v5: SchemaVersion = {
  version: 5,
  date: '2026-12-05',
  notes: [
    'Sync: a clock per record (and tombstones for deleted ones), and a sparse index of the changes not yet sent.',
    'Created empty; every existing record is stamped after the open from a durable watermark.',
  ],
  stores: {
    syncClocks: 'key, dirty',
  },
  async upgrade() {
    // Nothing to move: the clocks are stamped in the background after the open.
  },
};
