// The chat engine: moves provider events into the database through the repositories. Its parts:
// the outbox (outbox.ts), one reply's run (reply-run.ts, stream-reply.ts), the tool rounds
// (tool-rounds.ts), and what they share (engine-core.ts); this file is the actions and what
// follows a reply.
//
// Outcomes on the reply: `complete` (also when the user pressed stop: what arrived is what they
// wanted; metadata.finishReason is 'stopped'), `error` with MessageError (the user's message stays
// and can be retried), `interrupted` (a reload, crash or closed tab cut it: continue or regenerate).
// A conversation grown past the model's context window is compacted (compact.ts), then retried.
import type { MessagePart, MessageRow, SessionSettingsRow } from '../../db/rows';
import { loadProvider as defaultLoad } from '../../providers/registry';
import { TernError } from '../../errors';
import { allMessages, appendMessage, editMessage } from '../messages';
import { getSettings } from '../settings';
import { compactConversation, type CompactionOutcome, type CompactOptions } from './compact';
import { EngineCore, STREAM_LOCK, type ChatEngineDeps } from './engine-core';
import { Outbox } from './outbox';
import { runReply } from './reply-run';
import type { Mode } from './request';
import { markInterrupted, newVersionOf, requeue, restartAfter } from './store';
import type { ReplyOutcome } from './stream-reply';
import { countTokensAtOnce } from './tokens';
import { nameAfterFirstMessage, nameByModel, type FirstWords } from './title';
import { ToolRounds, type ToolAnswer } from './tool-rounds';
import type { SessionTool } from './tools';

export class ChatEngine {
  private readonly core: EngineCore;
  private readonly outbox: Outbox;
  private readonly tools: ToolRounds;

  constructor(deps: ChatEngineDeps) {
    this.core = new EngineCore(deps);
    this.outbox = new Outbox(this.core, (sessionId, reply) =>
      this.runReply(sessionId, reply, { kind: 'new', round: 0 }),
    );
    this.tools = new ToolRounds(this.core, (sessionId, reply, round) =>
      this.runReply(sessionId, reply, { kind: 'new', round }),
    );
  }

  private get db() {
    return this.core.db;
  }

  /** Resolves once nothing is being claimed or streamed by this engine (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.outbox.claiming || this.core.running.size > 0)
      await Promise.allSettled([this.outbox.claiming, ...this.core.running]);
  }

  isStreaming(sessionId: string): boolean {
    return this.core.active.has(sessionId);
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
    this.outbox.drainInBackground();
    return row;
  }

  /** Sessions with messages waiting to be sent. */
  pendingCount(): Promise<number> {
    return this.outbox.pendingCount();
  }

  /** Sends what waits in the outbox (see outbox.ts); resolves when those replies have ended. */
  drain(): Promise<void> {
    return this.outbox.drain();
  }

  /** Aborts the session's reply; what arrived is kept. */
  stop(sessionId: string): void {
    this.core.active.get(sessionId)?.abort();
  }

  /** At start-up: replies another run left `streaming` become `interrupted`; the outbox goes out. */
  async recover(): Promise<MessageRow[]> {
    const live = new Set<string>();
    const held = this.core.deps.locks ? await this.core.deps.locks.query() : null;
    for (const lock of held?.held ?? [])
      if (lock.name?.startsWith(STREAM_LOCK)) live.add(lock.name.slice(STREAM_LOCK.length));
    const interrupted = await markInterrupted(this.db, live);
    await this.tools.closeInterrupted(interrupted);
    this.outbox.drainInBackground();
    return interrupted;
  }

  /** A new reply in place of this one (and of whatever followed it). */
  async regenerate(replyId: string): Promise<void> {
    const reply = await this.core.mustGet(replyId, 'assistant');
    const rows = await allMessages(this.db, reply.sessionId);
    const user = rows.filter((r) => r.seq < reply.seq && r.role === 'user').pop();
    if (!user) throw new TernError('invalid-input', 'There is no message of yours to answer.');
    await this.restart(reply.sessionId, user.seq);
  }

  /** Regenerate for a failed reply, waiting out a rate limit's Retry-After first. */
  async retry(replyId: string): Promise<void> {
    const reply = await this.core.mustGet(replyId, 'assistant');
    const wait = (reply.error?.retryAt ?? 0) - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await this.regenerate(replyId);
  }

  /** Sends a new version of a message of the user's; the old one and its replies stay a flip away. */
  async editAndResend(userMessageId: string, text: string): Promise<void> {
    if (text.trim() === '') throw new TernError('invalid-input', 'There is nothing to send.');
    const user = await this.core.mustGet(userMessageId, 'user');
    this.core.assertIdle(user.sessionId);
    const edited = await newVersionOf(this.db, user.id, text, await countTokensAtOnce(text));
    await this.restart(user.sessionId, edited.seq);
  }

  /** Asks the model to go on from where an interrupted (or stopped) reply ends. */
  async continueReply(replyId: string): Promise<void> {
    const reply = await this.core.mustGet(replyId, 'assistant');
    this.core.assertIdle(reply.sessionId);
    const row = await editMessage(this.db, reply.id, { status: 'streaming', error: null });
    await this.runReply(reply.sessionId, row, { kind: 'continue', prefix: reply.content });
  }

  /** Tool calls waiting for the user's answer (mode 'confirm', or a destructive tool in 'auto'). */
  pendingApprovals(sessionId: string) {
    return this.tools.pendingApprovals(sessionId);
  }

  /** Runs a waiting call once or always, or refuses it (see ToolRounds.answer). */
  answerToolCall(sessionId: string, toolCallId: string, answer: ToolAnswer): Promise<void> {
    return this.tools.answer(sessionId, toolCallId, answer);
  }

  /** Where each waiting call's tool comes from ("Built-in" or its server's name). */
  callOrigins(sessionId: string): Promise<Record<string, string>> {
    return this.tools.callOrigins(sessionId);
  }

  /** Stops a running tool call; the server is told, and the model hears it was cancelled. */
  cancelToolCall(toolCallId: string): boolean {
    const run = this.core.toolRuns.get(toolCallId);
    run?.abort();
    return run !== undefined;
  }

  isToolRunning(toolCallId: string): boolean {
    return this.core.toolRuns.has(toolCallId);
  }

  /** The tools offered in a session now: the built-ins its settings allow, and its servers'. */
  sessionTools(sessionId: string, settings: SessionSettingsRow): Promise<SessionTool[]> {
    return this.tools.sessionTools(sessionId, settings);
  }

  /** Sets all but the latest messages aside behind one summary; messages sent meanwhile wait. */
  async compact(sessionId: string): Promise<CompactionOutcome> {
    return this.compactOnly(sessionId, {}).finally(() => this.outbox.drainInBackground());
  }

  /** For a reply refused as too long: compacts what came before it (`compacted`), then retries. */
  async compactAndRetry(replyId: string, compacted?: (o: CompactionOutcome) => void) {
    const reply = await this.core.mustGet(replyId, 'assistant');
    const outcome = await this.compactOnly(reply.sessionId, { beforeSeq: reply.seq, tight: true });
    compacted?.(outcome);
    await this.regenerate(replyId);
    return outcome;
  }

  private async compactOnly(sessionId: string, options: CompactOptions) {
    const core = this.core;
    core.assertIdle(sessionId);
    core.compacting.add(sessionId);
    const { db, loadProvider = defaultLoad, fetch, stallMs } = core.deps;
    const providerConfig = (id: string | null) => core.deps.providerConfig(id);
    const deps = { db, providerConfig, loadProvider, online: core.online(), fetch, stallMs };
    try {
      return await compactConversation(deps, sessionId, options);
    } finally {
      core.compacting.delete(sessionId);
    }
  }

  private async restart(sessionId: string, afterSeq: number): Promise<void> {
    this.core.assertIdle(sessionId);
    const metadata = await this.core.replyMetadata(sessionId);
    const reply = await restartAfter(this.db, sessionId, afterSeq, metadata);
    await this.runReply(sessionId, reply, { kind: 'new', round: 0 });
  }

  /** Streams a reply, then does what its outcome calls for; idle() waits for all of it. */
  private runReply(sessionId: string, reply: MessageRow, mode: Mode): Promise<void> {
    const running = this.core.running;
    const run = runReply(this.core, sessionId, reply, mode, async (id) =>
      this.tools.sessionTools(id, await getSettings(this.db, id)),
    )
      .then((outcome) => this.afterReply(sessionId, reply, mode, outcome))
      .finally(() => running.delete(run));
    running.add(run);
    return run;
  }

  private async afterReply(
    sessionId: string,
    reply: MessageRow,
    mode: Mode,
    outcome: ReplyOutcome | null,
  ): Promise<void> {
    if (
      outcome?.kind === 'error' &&
      outcome.error.code === 'network' &&
      !outcome.receivedAnything &&
      !this.core.online()
    ) {
      // Went offline before a word arrived: back to the outbox, to go out when the network returns.
      await requeue(this.db, reply.id);
      return;
    }
    if (outcome?.kind === 'complete') {
      const firstWords = await nameAfterFirstMessage(this.db, sessionId);
      // In the background: the title never holds up the next message or a tool round.
      if (firstWords) this.core.track(this.titleByModel(sessionId, reply.id, firstWords));
      if (outcome.finishReason === 'tool-calls' && outcome.toolCalls.length && mode.kind === 'new')
        await this.tools.afterReply(sessionId, mode.round);
    }
    // Messages typed while this reply streamed went to the outbox: send them now.
    this.outbox.drainInBackground();
  }

  private async titleByModel(
    sessionId: string,
    replyId: string,
    firstWords: FirstWords,
  ): Promise<void> {
    const { deps } = this.core;
    if (!this.core.online() || !(await deps.modelTitles?.())) return;
    const { loadProvider = defaultLoad, fetch, stallMs } = deps;
    await nameByModel(
      this.db,
      {
        providerConfig: (id) => deps.providerConfig(id),
        loadProvider,
        ...(fetch ? { fetch } : {}),
        ...(stallMs !== undefined ? { stallMs } : {}),
      },
      sessionId,
      replyId,
      firstWords,
    );
  }
}
