// The closed vocabularies of the stored rows, each listed once: the types come from the lists, and
// every check of a value from outside reads the same list. Adding a value here is a change to the
// contract with every database and export file (see rows.ts). Pure values: no storage code, so
// import and export code may read it too.

export const ROLES = ['system', 'user', 'assistant', 'tool'] as const;
export type Role = (typeof ROLES)[number];

export const MESSAGE_STATUSES = [
  'complete',
  'pending',
  'streaming',
  'error',
  'interrupted',
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** Statuses that need attention after a restart; indexed through `openStatus`. */
export const OPEN_STATUSES = ['pending', 'streaming'] as const satisfies readonly MessageStatus[];
export type OpenStatus = (typeof OPEN_STATUSES)[number];

export const PERMISSION_MODES = ['auto', 'confirm', 'deny'] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

/** The theme preference (kept in the preferences store, not in `tern`). */
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/**
 * The stores whose rows belong to one session and go with it: deleted by a purge, replaced by an
 * import, written out by an export. `sessionSettings` is keyed by the session id itself.
 */
export const SESSION_OWNED_TABLES = [
  'messages',
  'branchMessages',
  'images',
  'sessionSettings',
  'compactionEvents',
  'messageArchive',
] as const;
export type SessionOwnedTable = (typeof SESSION_OWNED_TABLES)[number];

/** Whether `value` is one of `list` (narrowing it), for values read from outside. */
export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}
