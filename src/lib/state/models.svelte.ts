// The models the user picked lately, across sessions, for the model picker: kept in the prefs
// store (outside `tern`), most recent first.
import { createPrefs, type Prefs } from '../db/prefs';
import { pushRecent } from '../ui/model-order';

const KEY = 'recentModels';

class RecentModels {
  #list = $state.raw<string[]>([]);

  get list() {
    return this.#list;
  }

  private prefs: Prefs | null = null;

  async load(): Promise<void> {
    this.prefs ??= createPrefs();
    const stored = await this.prefs.get<unknown>(KEY);
    this.#list = Array.isArray(stored) ? stored.filter((m) => typeof m === 'string') : [];
  }

  async use(model: string): Promise<void> {
    this.#list = pushRecent(this.#list, model);
    this.prefs ??= createPrefs();
    await this.prefs.set(KEY, this.#list);
  }
}

export const recentModels = new RecentModels();
