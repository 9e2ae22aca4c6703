// A flip drawn before it is written. Moving a long version between the stores takes a while (a
// thousand messages, most of a second), but the new path is known as soon as the versions are
// read: the domain hands it over then, the conversation window shows it in place of the rows from
// that seq on, and the stored rows take over once the write has committed and the window has read
// them again. If the write fails, the flip is dropped and the old path, never changed, is back.
// Other tabs and a reload see the stored rows only: the old path until the commit, then the new.
//
// The versions can be read before the click, too: while the pointer rests on the arrows (or they
// have focus), the flips they offer are planned ahead, and a click draws its plan at once. The
// flip's own reads then confirm it (the usual case: nothing is redrawn) or draw what they found.
import type { FlipPlan } from '../domain/branches';
import { PlansAhead, samePlan, type ShownFlip } from './flip-draw';

export { drawFlip, writtenVersions, type ShownFlip } from './flip-draw';

/** How long a written flip is kept for a window that has not read its rows again (a safety net). */
const KEEP_WRITTEN_MS = 3000;

export class Flips {
  #next = 0;
  #ahead = new PlansAhead();
  /** The flip on screen ahead of its write; raw, since its rows are replaced whole, never edited. */
  current = $state.raw<ShownFlip | null>(null);

  /**
   * Draws `plan`, in place of flip `replacing` if it is still on screen (left as it is when the
   * plan is the same); returns its id for `written` and `drop`.
   */
  show(plan: FlipPlan, replacing: number | null = null): number {
    const now = this.current;
    if (replacing !== null && now?.id === replacing && samePlan(now, plan)) return replacing;
    // Plans read before this flip may no longer hold after it.
    this.#ahead.clear();
    const id = ++this.#next;
    this.current = { ...plan, id, writtenAt: null };
    return id;
  }

  /** Plans the flips from `fromId` to `toIds` with `read`, for a click to draw at once. */
  planAhead(
    fromId: string,
    toIds: readonly string[],
    read: (toIds: string[]) => Promise<FlipPlan[]>,
  ): Promise<unknown> {
    return this.#ahead.plan(fromId, toIds, read);
  }

  /** The flip from `fromId` to `toId` planned (or being planned) a moment ago, taken for a click. */
  takeAhead(fromId: string, toId: string): Promise<FlipPlan | undefined> | undefined {
    return this.#ahead.take(fromId, toId);
  }

  written(id: number): void {
    if (this.current?.id !== id) return;
    this.current = { ...this.current, writtenAt: performance.now() };
    setTimeout(() => this.drop(id), KEEP_WRITTEN_MS);
  }

  drop(id: number): void {
    if (this.current?.id === id) this.current = null;
  }
}

export const flips = new Flips();
