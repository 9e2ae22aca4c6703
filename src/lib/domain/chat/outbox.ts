// The outbox: every user message is stored first, at once, as `pending`. Sending is claiming: one
// transaction turns a session's pending messages `complete` and opens the assistant reply as
// `streaming` (see store.ts), so two tabs can never both send the same message. A Web Lock, where
// the browser has one, keeps a second tab from even trying; it is held only while claiming, never
// while streaming.
import type { MessageRow } from '../../db/rows';
import { needsNetwork } from '../../providers/registry';
import { TernError } from '../../errors';
import { getSettings } from '../settings';
import type { EngineCore } from './engine-core';
import { claimPending, pendingSessions } from './store';

const OUTBOX_LOCK = 'tern-outbox';

export class Outbox {
  #claiming: Promise<void> | null = null;
  #claimAgain = false;

  constructor(
    private readonly core: EngineCore,
    /** Streams the reply a claim opened; resolves when it has ended. */
    private readonly startReply: (sessionId: string, reply: MessageRow) => Promise<void>,
  ) {}

  /** The claim under way, if any (idle() waits for it). */
  get claiming(): Promise<void> | null {
    return this.#claiming;
  }

  /** Sessions with messages waiting. */
  async pendingCount(): Promise<number> {
    return (await pendingSessions(this.core.db)).length;
  }

  /**
   * Sends what waits, oldest session first. Safe to call at any time, from any tab: the claim is
   * atomic. Resolves when the replies it started have ended.
   */
  async drain(): Promise<void> {
    if (this.#claiming) {
      this.#claimAgain = true;
      return this.#claiming;
    }
    const started: Promise<void>[] = [];
    const claimAll = async () => {
      do {
        this.#claimAgain = false;
        started.push(...(await this.#claimAll()));
      } while (this.#claimAgain);
    };
    const locks = this.core.deps.locks;
    this.#claiming = (locks ? locks.request(OUTBOX_LOCK, claimAll) : claimAll()).finally(
      () => (this.#claiming = null),
    );
    await this.#claiming;
    await Promise.all(started);
  }

  /**
   * A drain nobody waits for (after a send, a reply, a recovery). If it fails (the database closed,
   * the disk full), the messages stay queued and the next trigger sends them; the failure must not
   * escape as an unhandled rejection.
   */
  drainInBackground(): void {
    this.drain().catch(() => {});
  }

  async #claimAll(): Promise<Promise<void>[]> {
    const { db, active, compacting } = this.core;
    const started: Promise<void>[] = [];
    for (const sessionId of await pendingSessions(db)) {
      // Sent when its current reply, or its compaction, ends.
      if (active.has(sessionId) || compacting.has(sessionId)) continue;
      if (!(await this.#canSendNow(sessionId))) continue;
      let claim;
      try {
        claim = await claimPending(db, sessionId, await this.core.replyMetadata(sessionId));
      } catch (e) {
        if (e instanceof TernError && (e.code === 'session-trashed' || e.code === 'not-found'))
          continue;
        throw e;
      }
      if (claim) started.push(this.startReply(sessionId, claim.reply));
    }
    return started;
  }

  /** Online, or the session's provider runs on this device and needs no network. */
  async #canSendNow(sessionId: string): Promise<boolean> {
    if (this.core.online()) return true;
    const settings = await getSettings(this.core.db, sessionId);
    const config = await this.core.deps.providerConfig(settings.provider);
    return config !== null && !needsNetwork(config.kind);
  }
}
