// Chat state for the UI: which sessions are streaming, tool calls waiting for approval, and the
// actions; the network and the outbox size are connectivity.svelte.ts's. Messages themselves come from the database through
// liveQuery (see live.svelte.ts): a streaming reply is rewritten a couple of times a second with
// status 'streaming', so a message list that reads the session's messages shows it as it arrives.
//
// API for the UI:
//   chat.start(db)                        once the database is open: recovers replies a reload
//                                         cut (→ 'interrupted'), sends the outbox now and whenever
//                                         the network or a first provider comes
//   chat.isStreaming(sessionId)           true while a reply arrives (show Stop)
//   chat.approvals(sessionId)             tool calls waiting for the user (permission 'confirm')
//   chat.lastError                        an action's failure (TernError with code), else null
//   chat.send(sessionId, text, parts?)    stores the message at once; sends now or when online.
//                                         With no provider set up it is kept without a reply
//   chat.stop(sessionId)                  keeps what arrived (status 'complete', finishReason 'stopped'),
//                                         whichever tab is receiving the reply
//   chat.regenerate(replyId) / chat.retry(replyId) / chat.continueReply(replyId)
//   chat.editAndResend(userMessageId, text)
//   chat.answerToolCall(sessionId, toolCallId, 'once' | 'always' | 'deny')
//   chat.cancelToolCall(toolCallId)       stops it (in whichever tab runs it); the server is told
//   chat.isCompacting(sessionId)          true while older messages are being set aside
//   chat.callOrigin(toolCallId)           where a waiting call's tool comes from
//   chat.compact(sessionId)               sets all but the latest messages aside behind a summary
//                                         (by the session's model, or a list when it cannot)
//   chat.compactAndRetry(sessionId, replyId, compacted?)
//                                         the same for a reply refused as too long (`compacted` is
//                                         told once it is done), then retries; resolves after it
//   chat.bringBack(eventId)               undoes a compaction: the messages back exactly as they were
// Replies carry their outcome in the row: status 'error' with error {code, message, retryAt?},
// 'interrupted' (offer continue/regenerate), metadata.finishReason, metadata.usage, tokens.
import { untrack } from 'svelte';
import type { TernDB } from '../db/database';
import type { MessagePart, MessageRow } from '../db/rows';
import type { CompactionOutcome } from '../domain/chat/compact';
import type { ChatEngine } from '../domain/chat/engine';
import type { ChatEvent } from '../domain/chat/engine-core';
import type { ToolAnswer } from '../domain/chat/tool-rounds';
import type { WaitingCalls } from '../domain/chat/tool-calls';
import { openMessages } from '../domain/open-messages';
import { connectivity } from './connectivity.svelte';
import { providers } from './providers.svelte';
import { prefs } from './prefs.svelte';
import type { TabChannel } from './tab-channel';

class ChatState {
  #streaming = $state<Record<string, string>>({});
  #approvals = $state<Record<string, WaitingCalls | null>>({});
  #compacting = $state<Record<string, boolean>>({});
  // Where a waiting call's tool comes from: "Built-in" or its MCP server's name, by call id.
  #callOrigins = $state<Record<string, string>>({});
  #lastError = $state.raw<unknown>(null);
  private engine: ChatEngine | null = null;
  private loading: Promise<ChatEngine> | null = null;
  // Settles when start() is called: an action taken while the app is still opening waits for it.
  private markBegun: () => void = () => {};
  private begun = new Promise<void>((resolve) => (this.markBegun = resolve));
  private db: TernDB | null = null;
  // A reply streams into the tab that asked for it, but every tab shows it with a Stop button:
  // a stop pressed anywhere is passed to the tab holding the request (a tool call's cancel too).
  // Only a tab with the engine loaded streams or runs tools, so the channel opens with the engine
  // (or with the first stop pressed here), off the first load.
  private channel: Promise<TabChannel> | null = null;

  /** The last action's failure (a TernError with a code), or null. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** Tool calls of the session waiting for the user's answer, or null. */
  approvals(sessionId: string): WaitingCalls | null {
    return this.#approvals[sessionId] ?? null;
  }

  /** Where a waiting call's tool comes from: "Built-in" or its MCP server's name. */
  callOrigin(toolCallId: string): string | undefined {
    return this.#callOrigins[toolCallId];
  }

  isCompacting(sessionId: string): boolean {
    return this.#compacting[sessionId] === true;
  }

  // Online with a provider set up; otherwise messages wait in the outbox.
  private get canSend(): boolean {
    return connectivity.online && providers.list.length > 0;
  }

  async start(db: TernDB): Promise<void> {
    if (this.db) return;
    this.db = db;
    this.markBegun();
    connectivity.start((db) => openMessages(db, 'pending').then((rows) => rows.length));
    // The network coming back, or the first provider set up, sends what waited for them.
    $effect.root(() => {
      $effect(() => {
        if (providers.list.length > 0 && connectivity.waiting > 0)
          void this.guard(() => this.must().drain());
      });
      $effect(() => {
        if (connectivity.online && untrack(() => connectivity.waiting > 0))
          void this.guard(() => this.must().drain());
      });
    });
    // The engine is loaded when there is work for it: now if a reload cut a reply or messages wait
    // to be sent, otherwise with the first action. The first load stays without it.
    const open = await Promise.all([openMessages(db, 'streaming'), openMessages(db, 'pending')])
      .then(([a, b]) => a.length + b.length)
      .catch(() => 1);
    if (open > 0) await this.guard(() => this.must().recover());
  }

  private tabs(): Promise<TabChannel> {
    this.channel ??= import('./tab-channel').then(({ openTabChannel }) => {
      const channel = openTabChannel();
      channel.on((m) => {
        if (m.type === 'stop') this.engine?.stop(m.sessionId);
        else this.engine?.cancelToolCall(m.toolCallId);
      });
      return channel;
    });
    return this.channel;
  }

  private engineReady(): Promise<ChatEngine> {
    const db = this.db;
    if (!db) return Promise.reject(new Error('chat.start(db) has not run'));
    void this.tabs();
    this.loading ??= import('../domain/chat/engine').then(({ ChatEngine }) => {
      this.engine = new ChatEngine({
        db,
        providerConfig: (id) => providers.resolve(id),
        // Without any provider the outbox waits, as it does offline, instead of failing each reply.
        isOnline: () => this.canSend,
        locks: typeof navigator !== 'undefined' && 'locks' in navigator ? navigator.locks : null,
        onEvent: (e) => this.onEvent(e),
        // The MCP client loads only for a session that switched a server on.
        toolSource: async (sessionId, settings) => {
          if (!settings.mcpServers.some((m) => m.enabled)) return [];
          const { mcp } = await import('./mcp.svelte');
          return mcp.toolSource(sessionId, settings);
        },
        modelTitles: () => prefs.modelTitles,
        // Read at each reply, so a change in the provider settings applies to the next one.
        get stallMs() {
          return providers.stallSeconds * 1000;
        },
      });
      return this.engine;
    });
    return this.loading;
  }

  private onEvent(e: ChatEvent): void {
    if (e.type === 'streaming') this.#streaming[e.sessionId] = e.replyId;
    else if (e.type === 'idle') delete this.#streaming[e.sessionId];
    else void this.refreshApprovals(e.sessionId);
  }

  private must(): ChatEngine {
    if (!this.engine) throw new Error('chat.start(db) has not run');
    return this.engine;
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      this.#lastError = null;
      await this.begun;
      await this.engineReady();
      return await fn();
    } catch (e) {
      this.#lastError = e;
      return undefined;
    }
  }

  isStreaming(sessionId: string): boolean {
    return sessionId in this.#streaming;
  }

  async refreshApprovals(sessionId: string): Promise<void> {
    const waiting = (await this.guard(() => this.must().pendingApprovals(sessionId))) ?? null;
    this.#approvals[sessionId] = waiting;
    if (waiting)
      void this.engine?.callOrigins(sessionId).then(
        (o) => (this.#callOrigins = { ...this.#callOrigins, ...o }),
        () => {},
      );
  }

  send(sessionId: string, text: string, parts?: MessagePart[]): Promise<MessageRow | undefined> {
    return this.guard(async () => {
      const db = this.db;
      if (db && providers.list.length === 0) {
        const [{ countTokensAtOnce }, { appendMessage }] = await Promise.all([
          import('../domain/chat/tokens'),
          import('../domain/messages'),
        ]);
        return appendMessage(db, sessionId, {
          role: 'user',
          content: text,
          ...(parts ? { parts } : {}),
          tokens: await countTokensAtOnce(text),
        });
      }
      return this.must().send(sessionId, text, parts);
    });
  }
  stop(sessionId: string): void {
    this.engine?.stop(sessionId);
    void this.tabs().then((c) => c.post({ type: 'stop', sessionId }));
  }
  regenerate(replyId: string): Promise<void> {
    return this.guard(() => this.must().regenerate(replyId)).then(() => {});
  }
  retry(replyId: string): Promise<void> {
    return this.guard(() => this.must().retry(replyId)).then(() => {});
  }
  continueReply(replyId: string): Promise<void> {
    return this.guard(() => this.must().continueReply(replyId)).then(() => {});
  }
  editAndResend(userMessageId: string, text: string): Promise<void> {
    return this.guard(() => this.must().editAndResend(userMessageId, text)).then(() => {});
  }
  compact(sessionId: string): Promise<CompactionOutcome | undefined> {
    return this.whileCompacting(sessionId, () => this.must().compact(sessionId));
  }
  async compactAndRetry(
    sessionId: string,
    replyId: string,
    compacted?: (o: CompactionOutcome) => void,
  ): Promise<CompactionOutcome | undefined> {
    return this.whileCompacting(sessionId, () =>
      this.must().compactAndRetry(replyId, (o) => {
        delete this.#compacting[sessionId];
        compacted?.(o);
      }),
    );
  }
  bringBack(eventId: string): Promise<boolean> {
    return this.guard(async () => {
      if (!this.db) throw new Error('chat.start(db) has not run');
      const { revertCompaction } = await import('../domain/compaction');
      await revertCompaction(this.db, eventId);
      return true;
    }).then((ok) => ok ?? false);
  }
  private async whileCompacting<T>(sessionId: string, fn: () => Promise<T>) {
    this.#compacting[sessionId] = true;
    try {
      return await this.guard(fn);
    } finally {
      delete this.#compacting[sessionId];
    }
  }
  /** Cancels a running tool call, whichever tab runs it; the server is told. */
  cancelToolCall(toolCallId: string): void {
    if (!this.engine?.cancelToolCall(toolCallId))
      void this.tabs().then((c) => c.post({ type: 'cancel-tool', toolCallId }));
  }
  async answerToolCall(sessionId: string, toolCallId: string, answer: ToolAnswer): Promise<void> {
    // The answered call leaves the prompt at once; the rest waits for the model's next round.
    const waiting = this.#approvals[sessionId];
    if (waiting)
      this.#approvals[sessionId] = {
        ...waiting,
        calls: waiting.calls.filter((c) => c.id !== toolCallId),
      };
    await this.guard(() => this.must().answerToolCall(sessionId, toolCallId, answer));
    await this.refreshApprovals(sessionId);
  }
}

export const chat = new ChatState();
