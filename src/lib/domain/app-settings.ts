// App-level settings that travel with a full export and a full backup, and come back with them.
// This is the one place where they enter a file: each kind of setting is a section with a name in
// the file, how to read it (with or without its credentials) and how to take it back. A new kind
// (MCP server definitions, …) is one more entry in SECTIONS.
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

export const APP_SECTIONS: readonly AppSection[] = [providersSection];

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

/** Takes back every section a file holds; unknown sections (from a newer Tern) are left alone. */
export async function restoreAppSettings(
  prefs: Prefs,
  settings: unknown,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  if (typeof settings !== 'object' || settings === null) return counts;
  const file = settings as Record<string, unknown>;
  for (const s of APP_SECTIONS)
    if (file[s.name] !== undefined) counts[s.name] = await s.restore(prefs, file[s.name]);
  return counts;
}
