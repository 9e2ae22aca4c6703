// The schema history, oldest first. Append a new file for every change; never edit a shipped one
// (tests/unit/shipped-schemas.test.ts locks each, with everything it imports).
import type { SchemaVersion } from './types';
import { v1 } from './v1';
import { v2 } from './v2';
import { v3 } from './v3';
import { v4 } from './v4';
import { v5 } from './v5';

export type { SchemaVersion } from './types';

export const SCHEMA_HISTORY: readonly SchemaVersion[] = [v1, v2, v3, v4, v5];

const last = SCHEMA_HISTORY[SCHEMA_HISTORY.length - 1];
if (!last) throw new Error('empty schema history');

export const CURRENT_VERSION: number = last.version;

/** Dexie stores version n as native IndexedDB version n × 10. */
export const toNativeVersion = (version: number): number => Math.round(version * 10);

/** Key in `meta` that an upgrade writes as its last act, proving it ran to the end. */
export const upgradeMarkerKey = (version: number): string => `upgrade:${version}`;
