// Whether sync is set up on this device: the one part of sync the first screen carries. The sync
// state and its indicator load only where it is (a user who never syncs never downloads them), so
// the start-up reads the saved settings' presence here and the sidebar shows the indicator by it.
import { createPrefs } from '../db/prefs';

/** Where the sync settings are kept (prefs, on this device only). */
export const SYNC_SETTINGS_KEY = 'sync:settings';

class SyncPresence {
  #on = $state(false);

  get on(): boolean {
    return this.#on;
  }

  /** Reads whether settings are saved; true when sync is to start. */
  async check(): Promise<boolean> {
    this.#on = (await createPrefs().get(SYNC_SETTINGS_KEY)) !== undefined;
    return this.#on;
  }

  /** Sync was turned on or off in the settings. */
  set(on: boolean): void {
    this.#on = on;
  }
}

export const syncPresence = new SyncPresence();
