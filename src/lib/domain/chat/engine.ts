// The chat engine: moves provider events into the database through the repositories.
//
// Every user message is stored first, at once, as `pending` (the outbox). Sending is claiming:
// one transaction turns a session's pending messages `complete` and opens the assistant reply as
// `streaming` (see store.ts), so two tabs can never both send the same message. Web Locks, where
// the browser has them, keep a second tab from even trying, and mark which replies are being
// streamed right now so that start-up recovery in another tab leaves them alone.
//
// Outcomes on the reply: `complete` (also when the user pressed stop: what arrived is what they
// wanted; metadata.finishReason is 'stopped'), `error` with MessageError (the user's message stays
// and can be retried), `interrupted` (a reload, crash or closed tab cut it: continue or regenerate).
// A conversation grown past the model's context window is compacted (compact.ts), then retried.
import type { TernDB } from '../../db/database';
import type { JsonObject, MessagePart, MessageRow, SessionSettingsRow } from '../../db/rows';
import { ProviderError } from '../../providers/errors';
import { loadProvider as defaultLoad, needsNetwork } from '../../providers/registry';
import type { Provider, ProviderConfig, ProviderKind } from '../../providers/types';
import { TernError } from '../../errors';
import { allMessages, appendMessage, editMessage, getMessage } from '../messages';
import { getSettings, setSettings } from '../settings';
import { compactConversation, type CompactionOutcome, type CompactOptions } from './compact';
import { buildRequest, type Mode } from './request';
import {
  claimPending,
  claimToolCall,
  finishToolCall,
  markInterrupted,
  openNextRound,
  pendingSessions,
  requeue,
  restartAfter,
} from './store';
import { streamReply, toMessageError, type ReplyOutcome } from './stream-reply';
import { countTokensAtOnce } from './tokens';
import { nameAfterFirstMessage, nameByModel, type FirstWords } from './title';
import {
  offeredTools,
  runTool,
  toolKey,
  uniqueNames,
  type SessionTool,
  type ToolOutcome,
  type ToolSource,
} from './tools';
import {
  finishedToolPatch,
  INTERRUPTED_CALL,
  pendingToolCalls,
  runningToolMessage,
  toolMessage,
} from './tool-calls';
import type { ToolCall } from '../../providers/types';

/** How the user answers a call waiting in permission mode confirm. */
export type ToolAnswer = 'once' | 'always' | 'deny';

/** Model ↔ tool round trips allowed for one message before the engine stops asking. */
export const MAX_TOOL_ROUNDS = 8;

export type ChatEvent =
  | { type: 'streaming'; sessionId: string; replyId: string }
  | { type: 'idle'; sessionId: string }
  | { type: 'approval'; sessionId: string }
  | { type: 'outbox'; pending: number };

export interface ChatEngineDeps {
  db: TernDB;
  /** The provider set up under this id, or the default one when id is null. */
  providerConfig(id: string | null): ProviderConfig | null | Promise<ProviderConfig | null>;
  loadProvider?: (kind: ProviderKind) => Promise<Provider>;
  fetch?: typeof fetch;
  isOnline?: () => boolean;
  /** navigator.locks where present; null to go without. */
  locks?: LockManager | null;
  writeIntervalMs?: number;
  stallMs?: number;
  onEvent?: (event: ChatEvent) => void;
  /** Called after each database write of a streaming reply (to count them). */
  onWrite?: () => void;
  /** Tools from the session's MCP servers, beside the built-ins. */
  toolSource?: ToolSource;
  /** Whether the model writes a new session's title (the app setting); absent = never asked. */
  modelTitles?: () => boolean | Promise<boolean>;
}

export class ChatEngine {
  private readonly active = new Map<string, AbortController>();
  private readonly compacting = new Set<string>();
  private claiming: Promise<void> | null = null;
  private claimAgain = false;
  private readonly running = new Set<Promise<void>>();
  /** Tool calls running in this tab, by call id: cancelling aborts them (and tells the server). */
  private readonly toolRuns = new Map<string, AbortController>();

  constructor(private readonly deps: ChatEngineDeps) {}

  private get db(): TernDB {
    return this.deps.db;
  }

  private online(): boolean {
    return this.deps.isOnline?.() ?? true;
  }

  /** Resolves once nothing is being claimed or streamed by this engine (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.claiming || this.running.size > 0)
      await Promise.allSettled([this.claiming, ...this.running]);
  }

  isStreaming(sessionId: string): boolean {
    return this.active.has(sessionId);
  }

  /**
   * Stores the user's message at once (pending), then sends it if the network is there. `parts`
   * carries what else the composer attached: its images go with the text to the model.
   */
  async send(sessionId: string, text: string, parts?: MessagePart[]): Promise<MessageRow> {
    if (text.trim() === '' && !parts?.some((p) => p.type !== 'text'))
      throw new TernError('invalid-input', 'There is nothing to send.');
    const row = await appendMessage(this.db, sessionId, {
      role: 'user',
      content: text,
      ...(parts ? { parts } : {}),
      status: 'pending',
      tokens: await countTokensAtOnce(text),
    });
    // Offline, drain still sends what goes to a model on this device; the rest waits.
    this.drainInBackground();
    return row;
  }

  async pendingCount(): Promise<number> {
    return (await pendingSessions(this.db)).length;
  }

  /**
   * Sends what waits in the outbox, oldest session first. Safe to call at any time, from any tab:
   * the claim is atomic, and the outbox lock is held only while claiming, never while streaming.
   * Resolves when the replies it started have ended.
   */
  /**
   * A drain nobody waits for (after a send, a reply, a recovery). If it fails (the database closed,
   * the disk full), the messages stay queued and the next trigger sends them; the failure must not
   * escape as an unhandled rejection.
   */
  private drainInBackground(): void {
    this.drain().catch(() => {});
  }

  async drain(): Promise<void> {
    if (this.claiming) {
      this.claimAgain = true;
      return this.claiming;
    }
    const started: Promise<void>[] = [];
    const claimAll = async () => {
      do {
        this.claimAgain = false;
        started.push(...(await this.claimAll()));
      } while (this.claimAgain);
    };
    const locks = this.deps.locks;
    this.claiming = (locks ? locks.request('tern-outbox', claimAll) : claimAll()).finally(
      () => (this.claiming = null),
    );
    await this.claiming;
    this.deps.onEvent?.({ type: 'outbox', pending: await this.pendingCount() });
    await Promise.all(started);
  }

  private async claimAll(): Promise<Promise<void>[]> {
    const started: Promise<void>[] = [];
    for (const sessionId of await pendingSessions(this.db)) {
      // Sent when its current reply, or its compaction, ends.
      if (this.active.has(sessionId) || this.compacting.has(sessionId)) continue;
      if (!(await this.canSendNow(sessionId))) continue;
      let claim;
      try {
        claim = await claimPending(this.db, sessionId, await this.replyMetadata(sessionId));
      } catch (e) {
        if (e instanceof TernError && (e.code === 'session-trashed' || e.code === 'not-found'))
          continue;
        throw e;
      }
      if (claim) started.push(this.runReply(sessionId, claim.reply, { kind: 'new', round: 0 }));
    }
    return started;
  }

  /** Online, or the session's provider runs on this device and needs no network. */
  private async canSendNow(sessionId: string): Promise<boolean> {
    if (this.online()) return true;
    const config = await this.deps.providerConfig((await getSettings(this.db, sessionId)).provider);
    return config !== null && !needsNetwork(config.kind);
  }

  /** Aborts the session's reply; what arrived is kept. */
  stop(sessionId: string): void {
    this.active.get(sessionId)?.abort();
  }

  /** At start-up: replies another run left `streaming` become `interrupted`; the outbox goes out. */
  async recover(): Promise<MessageRow[]> {
    const live = new Set<string>();
    const held = this.deps.locks ? await this.deps.locks.query() : null;
    for (const lock of held?.held ?? [])
      if (lock.name?.startsWith('tern-stream:')) live.add(lock.name.slice('tern-stream:'.length));
    const interrupted = await markInterrupted(this.db, live);
    await this.closeInterruptedCalls(interrupted);
    this.drainInBackground();
    return interrupted;
  }

  /** A new reply in place of this one (and of whatever followed it). */
  async regenerate(replyId: string): Promise<void> {
    const reply = await this.mustGet(replyId, 'assistant');
    const rows = await allMessages(this.db, reply.sessionId);
    const user = rows.filter((r) => r.seq < reply.seq && r.role === 'user').pop();
    if (!user) throw new TernError('invalid-input', 'There is no message of yours to answer.');
    await this.restart(reply.sessionId, user.seq);
  }

  /** Regenerate for a failed reply, waiting out a rate limit's Retry-After first. */
  async retry(replyId: string): Promise<void> {
    const reply = await this.mustGet(replyId, 'assistant');
    const wait = (reply.error?.retryAt ?? 0) - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await this.regenerate(replyId);
  }

  /** Changes a message of the user's and sends again from there (later messages are replaced). */
  async editAndResend(userMessageId: string, text: string): Promise<void> {
    if (text.trim() === '') throw new TernError('invalid-input', 'There is nothing to send.');
    const user = await this.mustGet(userMessageId, 'user');
    this.assertIdle(user.sessionId);
    await editMessage(this.db, user.id, { content: text, tokens: await countTokensAtOnce(text) });
    await this.restart(user.sessionId, user.seq);
  }

  /** Asks the model to go on from where an interrupted (or stopped) reply ends. */
  async continueReply(replyId: string): Promise<void> {
    const reply = await this.mustGet(replyId, 'assistant');
    this.assertIdle(reply.sessionId);
    const row = await editMessage(this.db, reply.id, { status: 'streaming', error: null });
    await this.runReply(reply.sessionId, row, { kind: 'continue', prefix: reply.content });
  }

  /** Tool calls waiting for the user's answer (mode 'confirm', or a destructive tool in 'auto'). */
  async pendingApprovals(sessionId: string) {
    return pendingToolCalls(await allMessages(this.db, sessionId));
  }

  /**
   * Answers a call the model asked for: runs it once, runs it and every later call of the same
   * tool in this session without asking ('always'), or refuses it. Resolves once the answer is
   * stored; a call runs on (see idle()). Once every call is answered, the model goes on.
   */
  async answerToolCall(sessionId: string, toolCallId: string, answer: ToolAnswer): Promise<void> {
    const waiting = await this.pendingApprovals(sessionId);
    const call = waiting?.calls.find((c) => c.id === toolCallId);
    if (!waiting || !call) throw new TernError('not-found', 'That tool call is no longer waiting.');
    if (answer === 'deny') {
      await this.answerWith(sessionId, call, {
        result: 'The user refused this tool call.',
        isError: true,
      });
      return;
    }
    const settings = await getSettings(this.db, sessionId);
    const tools = await this.sessionTools(sessionId, settings);
    const tool = tools.find((t) => t.spec.name === call.name);
    if (answer === 'always' && tool) {
      const key = toolKey(tool);
      const always = settings.alwaysAllow ?? [];
      if (!always.includes(key))
        await setSettings(this.db, sessionId, { alwaysAllow: [...always, key] });
    }
    const started = this.startCall(sessionId, call, tools);
    if (!(await started.claimed))
      throw new TernError('not-found', 'That tool call is no longer waiting.');
  }

  /** Where each waiting call's tool comes from ("Built-in" or its server's name). */
  async callOrigins(sessionId: string): Promise<Record<string, string>> {
    const waiting = await this.pendingApprovals(sessionId);
    if (!waiting) return {};
    const tools = await this.sessionTools(sessionId, await getSettings(this.db, sessionId));
    const out: Record<string, string> = {};
    for (const c of waiting.calls) {
      const tool = tools.find((t) => t.spec.name === c.name);
      out[c.id] = tool ? tool.originLabel : 'not available in this session';
    }
    return out;
  }

  /** Stops a running tool call; the server is told, and the model hears it was cancelled. */
  cancelToolCall(toolCallId: string): boolean {
    const run = this.toolRuns.get(toolCallId);
    run?.abort();
    return run !== undefined;
  }

  isToolRunning(toolCallId: string): boolean {
    return this.toolRuns.has(toolCallId);
  }

  /** The tools offered in a session now: the built-ins its settings allow, and its servers'. */
  async sessionTools(sessionId: string, settings: SessionSettingsRow): Promise<SessionTool[]> {
    if (settings.permissionMode === 'deny') return [];
    const builtins = offeredTools(settings.permissionMode, settings.allowedTools);
    let external: SessionTool[] = [];
    try {
      external = (await this.deps.toolSource?.(sessionId, settings)) ?? [];
    } catch {
      // A server's failure leaves its tools out; the session works with the rest.
    }
    return uniqueNames([...builtins, ...external]);
  }

  private async answerWith(sessionId: string, call: ToolCall, outcome: ToolOutcome) {
    const row = await claimToolCall(this.db, sessionId, toolMessage(call, outcome));
    if (!row) throw new TernError('not-found', 'That tool call is no longer waiting.');
    await this.advance(sessionId);
  }

  /**
   * Claims a call (its message stored as running, so it is never asked or run again), runs it,
   * stores the outcome, and moves the model on when it was the last. `claimed` settles first.
   */
  private startCall(
    sessionId: string,
    call: ToolCall,
    tools: readonly SessionTool[],
  ): { claimed: Promise<boolean> } {
    const tool = tools.find((t) => t.spec.name === call.name);
    const from = tool ? { origin: tool.origin, originLabel: tool.originLabel } : undefined;
    const claim = claimToolCall(this.db, sessionId, runningToolMessage(call, from));
    const run = claim.then(async (row) => {
      if (!row) return;
      const controller = new AbortController();
      this.toolRuns.set(call.id, controller);
      let writes = Promise.resolve();
      let outcome: ToolOutcome = INTERRUPTED_CALL;
      try {
        await this.withStreamLock(row.id, async () => {
          outcome = await runTool(tools, call.name, call.arguments, {
            signal: controller.signal,
            onProgress: (note) => {
              writes = writes
                .then(() =>
                  editMessage(this.db, row.id, { metadata: { ...row.metadata, progress: note } }),
                )
                .then(
                  () => {},
                  () => {},
                );
            },
          });
        });
        await writes;
        await finishToolCall(this.db, row.id, finishedToolPatch(call, outcome, from));
      } finally {
        this.toolRuns.delete(call.id);
      }
      await this.advance(sessionId);
    });
    this.track(run);
    return { claimed: claim.then((r) => r !== null) };
  }

  /** The next round, if every call of the latest reply is answered and none still runs. */
  private async advance(sessionId: string): Promise<void> {
    const next = await openNextRound(this.db, sessionId, await this.replyMetadata(sessionId));
    if (!next) return;
    if (next.round >= MAX_TOOL_ROUNDS) {
      await editMessage(this.db, next.reply.id, {
        status: 'error',
        error: {
          code: 'too-many-tool-rounds',
          message: `The model asked for tools ${MAX_TOOL_ROUNDS} times in a row; Tern stopped there.`,
        },
      });
      return;
    }
    await this.runReply(sessionId, next.reply, { kind: 'new', round: next.round });
  }

  /** Calls a reload cut while they ran: marked so, never run again; the model hears of it. */
  private async closeInterruptedCalls(rows: readonly MessageRow[]): Promise<void> {
    const sessions = new Set<string>();
    for (const row of rows) {
      if (row.role !== 'tool' || !row.toolCallId) continue;
      const call = { id: row.toolCallId, name: row.name ?? '', arguments: '' };
      const meta = row.metadata;
      const from =
        typeof meta.origin === 'string' && typeof meta.server === 'string'
          ? { origin: meta.origin, originLabel: meta.server }
          : undefined;
      const patch = finishedToolPatch(call, INTERRUPTED_CALL, from, 'interrupted');
      await editMessage(this.db, row.id, {
        ...patch,
        metadata: { ...meta, ...(patch.metadata ?? {}), arguments: meta.arguments ?? '' },
      });
      sessions.add(row.sessionId);
    }
    for (const sessionId of sessions) this.track(this.advance(sessionId));
  }

  /** Sets all but the latest messages aside behind one summary; messages sent meanwhile wait. */
  async compact(sessionId: string): Promise<CompactionOutcome> {
    return this.compactOnly(sessionId, {}).finally(() => this.drainInBackground());
  }

  /** For a reply refused as too long: compacts what came before it (`compacted`), then retries. */
  async compactAndRetry(replyId: string, compacted?: (o: CompactionOutcome) => void) {
    const reply = await this.mustGet(replyId, 'assistant');
    const outcome = await this.compactOnly(reply.sessionId, { beforeSeq: reply.seq, tight: true });
    compacted?.(outcome);
    await this.regenerate(replyId);
    return outcome;
  }

  private async compactOnly(sessionId: string, options: CompactOptions) {
    this.assertIdle(sessionId);
    this.compacting.add(sessionId);
    const { db, loadProvider = defaultLoad, fetch, stallMs } = this.deps;
    const providerConfig = (id: string | null) => this.deps.providerConfig(id);
    const deps = { db, providerConfig, loadProvider, online: this.online(), fetch, stallMs };
    try {
      return await compactConversation(deps, sessionId, options);
    } finally {
      this.compacting.delete(sessionId);
    }
  }

  private assertIdle(sessionId: string): void {
    if (this.active.has(sessionId))
      throw new TernError('conflict', 'A reply is still arriving in this session. Stop it first.');
    if (this.compacting.has(sessionId))
      throw new TernError('conflict', 'This session is being compacted. Wait a moment.');
  }

  private async mustGet(id: string, role: MessageRow['role']): Promise<MessageRow> {
    const row = await getMessage(this.db, id);
    if (!row || row.role !== role)
      throw new TernError('not-found', 'That message no longer exists.');
    return row;
  }

  private async restart(sessionId: string, afterSeq: number): Promise<void> {
    this.assertIdle(sessionId);
    const reply = await restartAfter(
      this.db,
      sessionId,
      afterSeq,
      await this.replyMetadata(sessionId),
    );
    await this.runReply(sessionId, reply, { kind: 'new', round: 0 });
  }

  private async replyMetadata(sessionId: string): Promise<JsonObject> {
    const settings = await getSettings(this.db, sessionId);
    return { provider: settings.provider, model: settings.model };
  }

  private async withStreamLock(replyId: string, fn: () => Promise<void>): Promise<void> {
    const locks = this.deps.locks;
    if (locks) await locks.request(`tern-stream:${replyId}`, fn);
    else await fn();
  }

  /** Work idle() waits for. */
  private track(work: Promise<void>): void {
    const tracked = work.catch(() => {}).finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  private runReply(sessionId: string, reply: MessageRow, mode: Mode): Promise<void> {
    const run = this.runReplyInner(sessionId, reply, mode).finally(() => this.running.delete(run));
    this.running.add(run);
    return run;
  }

  private async runReplyInner(sessionId: string, reply: MessageRow, mode: Mode): Promise<void> {
    const controller = new AbortController();
    this.active.set(sessionId, controller);
    this.deps.onEvent?.({ type: 'streaming', sessionId, replyId: reply.id });
    let outcome: ReplyOutcome | null = null;
    try {
      await this.withStreamLock(reply.id, async () => {
        outcome = await this.streamOne(sessionId, reply, mode, controller.signal);
      });
    } finally {
      this.active.delete(sessionId);
      this.deps.onEvent?.({ type: 'idle', sessionId });
    }
    await this.afterReply(sessionId, reply, mode, outcome);
  }

  private async streamOne(
    sessionId: string,
    reply: MessageRow,
    mode: Mode,
    signal: AbortSignal,
  ): Promise<ReplyOutcome | null> {
    const settings = await getSettings(this.db, sessionId);
    const tools = await this.sessionTools(sessionId, settings);
    const built = await buildRequest(
      this.db,
      (id) => this.deps.providerConfig(id),
      sessionId,
      reply,
      mode,
      tools.map((t) => t.spec),
    );
    if (!built.ok) {
      await editMessage(this.db, reply.id, { status: 'error', error: built.error });
      return null;
    }
    const { config, request } = built;
    const provider = await (this.deps.loadProvider ?? defaultLoad)(config.kind);
    return streamReply({
      db: this.db,
      reply,
      provider,
      config,
      request,
      signal,
      ...(mode.kind === 'continue' ? { prefix: mode.prefix } : {}),
      ...(this.deps.stallMs !== undefined ? { stallMs: this.deps.stallMs } : {}),
      ...(this.deps.fetch ? { fetch: this.deps.fetch } : {}),
      ...(this.deps.writeIntervalMs !== undefined
        ? { writeIntervalMs: this.deps.writeIntervalMs }
        : {}),
      ...(this.deps.onWrite ? { onWrite: this.deps.onWrite } : {}),
    });
  }

  private async afterReply(
    sessionId: string,
    reply: MessageRow,
    mode: Mode,
    outcome: ReplyOutcome | null,
  ) {
    if (
      outcome?.kind === 'error' &&
      outcome.error.code === 'network' &&
      !outcome.receivedAnything &&
      !this.online()
    ) {
      // Went offline before a word arrived: back to the outbox, to go out when the network returns.
      await requeue(this.db, reply.id);
      this.deps.onEvent?.({ type: 'outbox', pending: await this.pendingCount() });
      return;
    }
    if (outcome?.kind === 'complete') {
      const firstWords = await nameAfterFirstMessage(this.db, sessionId);
      // In the background: the title never holds up the next message or a tool round.
      if (firstWords) this.track(this.titleByModel(sessionId, reply.id, firstWords));
      if (outcome.finishReason === 'tool-calls' && outcome.toolCalls.length && mode.kind === 'new')
        await this.handleToolCalls(sessionId, mode.round);
    }
    // Messages typed while this reply streamed went to the outbox: send them now.
    this.drainInBackground();
  }

  private async titleByModel(
    sessionId: string,
    replyId: string,
    firstWords: FirstWords,
  ): Promise<void> {
    if (!this.online() || !(await this.deps.modelTitles?.())) return;
    const { loadProvider = defaultLoad, fetch, stallMs } = this.deps;
    await nameByModel(
      this.db,
      {
        providerConfig: (id) => this.deps.providerConfig(id),
        loadProvider,
        ...(fetch ? { fetch } : {}),
        ...(stallMs !== undefined ? { stallMs } : {}),
      },
      sessionId,
      replyId,
      firstWords,
    );
  }

  private async handleToolCalls(sessionId: string, round: number): Promise<void> {
    if (round + 1 >= MAX_TOOL_ROUNDS) return;
    const settings = await getSettings(this.db, sessionId);
    const waiting = await this.pendingApprovals(sessionId);
    if (!waiting) return;
    const tools = await this.sessionTools(sessionId, settings);
    const always = new Set(settings.alwaysAllow ?? []);
    let asks = false;
    for (const call of waiting.calls) {
      const tool = tools.find((t) => t.spec.name === call.name);
      if (settings.permissionMode === 'deny')
        await this.answerWith(sessionId, call, {
          result: 'Tools are turned off in this session.',
          isError: true,
        });
      // A result that makes the model ask for more goes through the same question.
      else if (
        (settings.permissionMode === 'auto' && !tool?.alwaysAsk) ||
        (tool && always.has(toolKey(tool)))
      )
        await this.startCall(sessionId, call, tools).claimed;
      else asks = true;
    }
    if (asks) this.deps.onEvent?.({ type: 'approval', sessionId });
  }
}

export { ProviderError, toMessageError };
export { CONTINUE_PROMPT } from './request';
