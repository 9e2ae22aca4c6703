// The plain parts of drawing a flip ahead of its write (state/flips.svelte.ts): what the window
// shows with a flip drawn over it, whether two plans draw the same, and the flips planned ahead
// while the pointer rests on the arrows.
import type { MessageRow } from '../db/rows';
import type { FlipPlan, Versions } from '../domain/branches';

export interface ShownFlip extends FlipPlan {
  id: number;
  /**
   * When the write committed (`performance.now()`), null before: the window's own rows and versions
   * show the flip once they are read again after that.
   */
  writtenAt: number | null;
}

/** How long a flip planned ahead is trusted to draw a click (the flip's own reads follow anyway). */
const PLANNED_MS = 10_000;

/** Whether two plans draw the same thing: the same rows, as last written, and the same versions. */
export function samePlan(a: FlipPlan, b: FlipPlan): boolean {
  return (
    a.sessionId === b.sessionId &&
    a.seq === b.seq &&
    a.rows.length === b.rows.length &&
    a.rows.every((m, i) => {
      const o = b.rows[i];
      return m.id === o?.id && m.updatedAt === o.updatedAt && m.content === o.content;
    }) &&
    JSON.stringify([...a.versions]) === JSON.stringify([...b.versions])
  );
}

/** Flips planned ahead of a click, or being planned, each trusted for a moment. */
export class PlansAhead {
  #plans = new Map<string, { at: number; plan: Promise<FlipPlan | undefined> }>();

  /** Plans the flips from `fromId` to those of `toIds` not planned a moment ago, with `read`. */
  plan(
    fromId: string,
    toIds: readonly string[],
    read: (toIds: string[]) => Promise<FlipPlan[]>,
  ): Promise<unknown> {
    const at = Date.now();
    const wanted = toIds.filter((to) => {
      const p = this.#plans.get(`${fromId} ${to}`);
      return !p || at - p.at > PLANNED_MS;
    });
    if (wanted.length === 0) return Promise.resolve();
    // Nothing to tell the user if it fails: the click reads what it needs anyway.
    const plans = read(wanted).catch((): FlipPlan[] => []);
    for (const to of wanted)
      this.#plans.set(`${fromId} ${to}`, {
        at,
        plan: plans.then((ps) => ps.find((p) => p.rows[0]?.id === to)),
      });
    return plans;
  }

  /** The flip from `fromId` to `toId` planned (or being planned) a moment ago, taken for a click. */
  take(fromId: string, toId: string): Promise<FlipPlan | undefined> | undefined {
    const p = this.#plans.get(`${fromId} ${toId}`);
    this.#plans.delete(`${fromId} ${toId}`);
    return p && Date.now() - p.at < PLANNED_MS ? p.plan : undefined;
  }

  clear(): void {
    this.#plans.clear();
  }
}

/**
 * `rows` (a window of the active path, from seq `floor` up to `ceiling` when set) with a flip drawn
 * over them, and which ids the flip put there; null when there is nothing to draw: no flip in this
 * session, or one written and already among the rows read since.
 */
export function drawFlip(
  rows: readonly MessageRow[],
  flip: ShownFlip | null,
  sessionId: string,
  floor: number | null,
  ceiling: number | null,
): { rows: MessageRow[]; ids: Set<string>; versions: FlipPlan['versions'] } | null {
  if (!flip || flip.sessionId !== sessionId) return null;
  const low = floor ?? rows[0]?.seq ?? flip.seq;
  const shown = flip.rows.filter((m) => m.seq >= low && (ceiling === null || m.seq <= ceiling));
  const first = shown[0];
  if (flip.writtenAt !== null && (!first || rows.some((m) => m.id === first.id))) return null;
  return {
    rows: [...rows.filter((m) => m.seq < flip.seq), ...shown],
    ids: new Set(shown.map((m) => m.id)),
    versions: flip.versions,
  };
}

/**
 * The versions at `messageId` as the written `flip` left them, while the versions the window holds
 * were read (at `readAt`) before its write committed: those still count the version that left as
 * the one on screen. Without this, the rows read back after the commit would hand the switcher a
 * stale answer for a moment, and it would blink out under the user's pointer or keyboard focus.
 */
export function writtenVersions(
  flip: ShownFlip | null,
  sessionId: string,
  messageId: string,
  readAt: number | undefined,
): { versions: Versions | undefined } | null {
  if (!flip || flip.sessionId !== sessionId || flip.writtenAt === null) return null;
  if (readAt !== undefined && readAt > flip.writtenAt) return null;
  if (!flip.rows.some((m) => m.id === messageId)) return null;
  return { versions: flip.versions.get(messageId) };
}
