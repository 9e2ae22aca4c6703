// App-level settings that travel with a full export and a full backup, and come back with them.
// This is the one place where they enter a file: each kind of setting is a section with a name in
// the file, how to read it (with or without its credentials) and how to take it back. A new kind
// is one more entry in APP_SECTIONS.
//
// Without "Include API keys" no credential of any section reaches the file: a section's `read`
// leaves them out itself, and the file says `secrets: "omitted"`.
import { TernError } from '../errors';
import type { Prefs } from '../db/prefs';
import {
  cleanStoredProviders,
  readStoredProviders,
  writeStoredProviders,
  type StoredProvider,
  type StoredProviders,
} from './provider-store';
import { cleanMcpServers, loadMcpServers, saveMcpServers } from './mcp-store';

export interface AppSection {
  /** The section's name in the file. */
  name: string;
  /** The section as JSON, or undefined when there is nothing to carry. */
  read(prefs: Prefs, includeSecrets: boolean): Promise<unknown>;
  /** Takes the section back from a file, merging with what is here; returns how many came in. */
  restore(prefs: Prefs, value: unknown): Promise<number>;
}

const providersSection: AppSection = {
  name: 'providers',
  async read(prefs, includeSecrets) {
    const stored = await readStoredProviders(prefs);
    if (stored.list.length === 0) return undefined;
    if (includeSecrets && stored.list.some((c) => c.sealedApiKey))
      throw new TernError(
        'keys-locked',
        'Your API keys are locked: unlock them in Settings → App to include them, or export without them.',
      );
    // The lock stays with this device: keys leave it only unlocked, and only when asked.
    const rest: Partial<StoredProviders> = { ...stored };
    delete rest.lock;
    const list = stored.list.map(({ sealedApiKey: _sealed, ...c }) =>
      includeSecrets ? c : { ...c, apiKey: '' },
    );
    return { ...rest, list };
  },
  async restore(prefs, value) {
    const incoming = cleanStoredProviders(value);
    // A sealed key could only be opened with a passphrase this file does not carry.
    const list: StoredProvider[] = incoming.list.map(({ sealedApiKey: _sealed, ...c }) => c);
    const here = await readStoredProviders(prefs);
    const ids = new Set(here.list.map((c) => c.id));
    const added = list.filter((c) => !ids.has(c.id));
    if (added.length === 0) return 0;
    const stallSeconds = here.stallSeconds ?? incoming.stallSeconds;
    // With a lock on here, the added keys are sealed the next time the keys are unlocked.
    await writeStoredProviders(prefs, {
      list: [...here.list, ...added],
      defaultId: here.defaultId ?? incoming.defaultId,
      ...(stallSeconds !== undefined ? { stallSeconds } : {}),
      ...(here.lock ? { lock: here.lock } : {}),
    });
    return added.length;
  },
};

// The app-wide MCP server definitions; a token (headerValue) only with "Include API keys".
const mcpServersSection: AppSection = {
  name: 'mcpServers',
  async read(prefs, includeSecrets) {
    const list = await loadMcpServers(prefs);
    if (list.length === 0) return undefined;
    return list.map((d) => ({ ...d, headerValue: includeSecrets ? d.headerValue : '' }));
  },
  async restore(prefs, value) {
    // Checked whole before anything is written: a bad entry refuses the section, not half of it.
    const incoming = cleanMcpServers(value);
    const here = await loadMcpServers(prefs);
    // A server already here (by id) stays as it is, its token with it.
    const ids = new Set(here.map((d) => d.id));
    const added = incoming.filter((d) => !ids.has(d.id));
    if (added.length > 0) await saveMcpServers(prefs, [...here, ...added]);
    return added.length;
  },
};

export const APP_SECTIONS: readonly AppSection[] = [providersSection, mcpServersSection];

export type AppSettingsInFile = Record<string, unknown>;

/** Every section that has something to carry, by name. */
export async function readAppSettings(
  prefs: Prefs,
  includeSecrets: boolean,
): Promise<AppSettingsInFile> {
  const out: AppSettingsInFile = {};
  for (const s of APP_SECTIONS) {
    const v = await s.read(prefs, includeSecrets);
    if (v !== undefined) out[s.name] = v;
  }
  return out;
}

export interface AppRestore {
  /** How many came in, by section name. */
  added: Record<string, number>;
  /** Why a section was refused (nothing of it was taken), in words for the user. */
  notes: string[];
}

/**
 * Takes back every section a file holds; unknown sections (from a newer Tern) are left alone. A
 * section the file gets wrong is refused whole with a note; the others still come in.
 */
export async function restoreAppSettings(prefs: Prefs, settings: unknown): Promise<AppRestore> {
  const out: AppRestore = { added: {}, notes: [] };
  if (typeof settings !== 'object' || settings === null) return out;
  const file = settings as Record<string, unknown>;
  for (const s of APP_SECTIONS) {
    if (file[s.name] === undefined) continue;
    try {
      out.added[s.name] = await s.restore(prefs, file[s.name]);
    } catch (e) {
      if (!(e instanceof TernError) || e.code !== 'invalid-input') throw e;
      out.notes.push(e.message);
    }
  }
  return out;
}
