// A hybrid logical clock: wall time in milliseconds, a counter for changes within one millisecond
// (or while the wall clock stands behind a clock already seen), and the writer's id as the last
// tie-break. Clocks are strings that sort as they compare, so an index orders them and `a > b`
// means "a is the later change" on every device alike.
const MS_DIGITS = 9; // base 36: enough for the year 5000
const COUNT_DIGITS = 4;
const COUNT_MAX = 36 ** COUNT_DIGITS - 1;

export interface ClockParts {
  ms: number;
  count: number;
  node: string;
}

const NODE_RE = /^[0-9a-z]{1,16}$/;
const CLOCK_RE = /^([0-9a-z]{9})\.([0-9a-z]{4})\.([0-9a-z]{1,16})$/;

export function formatClock({ ms, count, node }: ClockParts): string {
  return `${ms.toString(36).padStart(MS_DIGITS, '0')}.${count.toString(36).padStart(COUNT_DIGITS, '0')}.${node}`;
}

/** The parts of a clock, or null for anything that is not one. */
export function parseClock(c: unknown): ClockParts | null {
  if (typeof c !== 'string') return null;
  const m = CLOCK_RE.exec(c);
  if (!m) return null;
  return {
    ms: parseInt(m[1] as string, 36),
    count: parseInt(m[2] as string, 36),
    node: m[3] as string,
  };
}

/** A writer's clock. One per page: two tabs are two writers, which only matters for ties. */
export class Hlc {
  #ms = 0;
  #count = 0;
  readonly node: string;
  readonly #now: () => number;

  constructor(node: string, now: () => number = Date.now) {
    if (!NODE_RE.test(node)) throw new Error(`bad clock node ${node}`);
    this.node = node;
    this.#now = now;
  }

  /** A clock later than every one this writer has made or seen. */
  tick(): string {
    const wall = this.#now();
    if (wall > this.#ms) {
      this.#ms = wall;
      this.#count = 0;
    } else if (this.#count < COUNT_MAX) this.#count++;
    else {
      // A burst of more changes in one millisecond than the counter holds: borrow the next one.
      this.#ms++;
      this.#count = 0;
    }
    return formatClock({ ms: this.#ms, count: this.#count, node: this.node });
  }

  /** Moves past a clock seen from another writer, so that a change made after it sorts after it. */
  observe(clock: string): void {
    const p = parseClock(clock);
    if (!p) return;
    if (p.ms > this.#ms || (p.ms === this.#ms && p.count > this.#count)) {
      this.#ms = p.ms;
      this.#count = p.count;
    }
  }
}

/** A clock for a change made at `ms` by nobody in particular: stamps history written before sync. */
export const clockAt = (ms: number): string =>
  formatClock({ ms: Math.max(0, Math.floor(ms)), count: 0, node: '0' });

function randomNode(): string {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(36).padStart(2, '0'))
    .join('')
    .slice(0, 10);
}

/** This page's clock: every change it writes is stamped from it. */
export const pageClock = new Hlc(randomNode());
