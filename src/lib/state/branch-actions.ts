// The user's actions on versions of a conversation, each one call that tells the user in words
// when it fails. Loaded with the conversation, not with the first screen.
import * as branches from '../domain/branches';
import { branchOff as branchOffAt } from '../domain/branch-off';
import { activateMessage } from '../domain/branch-path';
import type { FlipPlan } from '../domain/branches';
import { planFlipHead } from '../domain/flip-head';
import { getMessage } from '../domain/messages';
import { attempt, openMessage, openSession } from './actions';
import { app } from './app.svelte';
import { flips } from './flips.svelte';
import { view } from './view.svelte';

/**
 * Puts version `toId` on screen in place of the message `fromId`: drawn first from the plan made
 * ahead or from the first screenful read now, whichever comes first; then, once a frame has shown
 * it, the flip reads the whole tree, draws what it found if that differs, and writes. If the write
 * fails, the old path comes back and the notice says why.
 */
export async function switchVersion(fromId: string, toId: string): Promise<boolean> {
  let shown: number | null = null;
  const early = await firstPlan([flips.takeAhead(fromId, toId), planHead(fromId, toId)]);
  if (early) {
    shown = flips.show(early);
    // The flip's reads (a thousand rows and more) would hold the page's thread as they arrive:
    // they start once the new path is on screen.
    await nextFrame();
  }
  const ok = await attempt((d) =>
    branches
      .switchVersion(d, fromId, toId, (plan) => (shown = flips.show(plan, shown)))
      .then(() => true),
  );
  if (shown !== null) {
    if (ok) flips.written(shown);
    else flips.drop(shown);
  }
  return ok ?? false;
}

/** The first of `plans` to come with a plan; undefined when none does. */
function firstPlan(plans: (Promise<FlipPlan | undefined> | undefined)[]) {
  const pending = plans.filter((p) => p !== undefined);
  return new Promise<FlipPlan | undefined>((resolve) => {
    let left = pending.length;
    const none = () => --left <= 0 && resolve(undefined);
    if (left === 0) resolve(undefined);
    for (const p of pending) p.then((plan) => (plan ? resolve(plan) : none()), none);
  });
}

/** Resolves after the next frame has been drawn (at once where nothing is drawn). */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame !== 'function') return resolve();
    requestAnimationFrame(() => setTimeout(resolve));
  });
}

function planHead(fromId: string, toId: string): Promise<FlipPlan | undefined> {
  const db = app.db;
  if (!db) return Promise.resolve(undefined);
  // Nothing to tell the user if it fails: the flip's own reads draw it then.
  return planFlipHead(db, fromId, toId).catch(() => undefined);
}

/**
 * Plans the flips from `fromId` to `toIds` ahead of a click (the pointer is on the arrows);
 * resolves once they are planned.
 */
export function planFlips(fromId: string, toIds: readonly string[]): Promise<unknown> {
  const db = app.db;
  if (!db) return Promise.resolve();
  return flips.planAhead(fromId, toIds, (wanted) => branches.planFlips(db, fromId, wanted));
}

/** How many messages deleting the version at `id` would remove. */
export function countVersion(id: string): Promise<number | undefined> {
  return attempt((d) => branches.countVersion(d, id));
}

/** Deletes the version at `id` and what follows it; another version takes its place. */
export async function deleteVersion(id: string): Promise<boolean> {
  const gone = await attempt((d) => branches.deleteVersion(d, id));
  if (gone === undefined) return false;
  view.notify(`Deleted ${gone === 1 ? 'one message' : `${gone.toLocaleString('en')} messages`}.`);
  return true;
}

/** A new session holding the conversation up to `messageId`, opened at once. */
export async function branchOff(messageId: string): Promise<void> {
  const session = await attempt((d) => branchOffAt(d, messageId));
  if (!session) return;
  openSession(session.id);
  view.notify(`Branched off into “${session.title}”.`);
}

/** Opens a search hit found in a version not on screen: that version comes on screen first. */
export async function openInVersion(messageId: string): Promise<void> {
  const at = await attempt(async (d) => {
    const sessionId = await activateMessage(d, messageId);
    const row = await getMessage(d, messageId);
    return row ? { sessionId, messageId, seq: row.seq } : undefined;
  });
  if (at) openMessage(at);
}
