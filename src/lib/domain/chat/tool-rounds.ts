// The model ↔ tool round trips of a reply: which calls run at once and which wait for the user,
// running a call (claimed first, so it is never asked or run twice), the user's answers, and the
// next round once every call of a reply is answered.
import type { MessageRow, SessionSettingsRow } from '../../db/rows';
import type { ToolCall } from '../../providers/types';
import { TernError } from '../../errors';
import { allMessages, editMessage } from '../messages';
import { getSettings, setSettings } from '../settings';
import type { EngineCore } from './engine-core';
import { claimToolCall, finishToolCall, openNextRound } from './store';
import {
  finishedToolPatch,
  type CallOrigin,
  INTERRUPTED_CALL,
  pendingToolCalls,
  runningToolMessage,
  toolMessage,
} from './tool-calls';
import {
  offeredTools,
  runTool,
  toolKey,
  uniqueNames,
  type SessionTool,
  type ToolOutcome,
} from './tools';

/** How the user answers a call waiting in permission mode confirm. */
export type ToolAnswer = 'once' | 'always' | 'deny';

/** Model ↔ tool round trips allowed for one message before the engine stops asking. */
export const MAX_TOOL_ROUNDS = 8;

const NO_LONGER_WAITING = 'That tool call is no longer waiting.';

export class ToolRounds {
  constructor(
    private readonly core: EngineCore,
    /** Streams the reply of the next round; resolves when it has ended. */
    private readonly startReply: (
      sessionId: string,
      reply: MessageRow,
      round: number,
    ) => Promise<void>,
  ) {}

  /** Tool calls waiting for the user's answer (mode 'confirm', or a destructive tool in 'auto'). */
  async pendingApprovals(sessionId: string) {
    return pendingToolCalls(await allMessages(this.core.db, sessionId));
  }

  /** The tools offered in a session now: the built-ins its settings allow, and its servers'. */
  async sessionTools(sessionId: string, settings: SessionSettingsRow): Promise<SessionTool[]> {
    if (settings.permissionMode === 'deny') return [];
    const builtins = offeredTools(settings.permissionMode, settings.allowedTools);
    let external: SessionTool[] = [];
    try {
      external = (await this.core.deps.toolSource?.(sessionId, settings)) ?? [];
    } catch {
      // A server's failure leaves its tools out; the session works with the rest.
    }
    return uniqueNames([...builtins, ...external]);
  }

  /** Where each waiting call's tool comes from ("Built-in" or its server's name). */
  async callOrigins(sessionId: string): Promise<Record<string, string>> {
    const waiting = await this.pendingApprovals(sessionId);
    if (!waiting) return {};
    const tools = await this.sessionTools(sessionId, await getSettings(this.core.db, sessionId));
    const out: Record<string, string> = {};
    for (const c of waiting.calls) {
      const tool = tools.find((t) => t.spec.name === c.name);
      out[c.id] = tool ? tool.originLabel : 'not available in this session';
    }
    return out;
  }

  /** After a reply that asked for tools: runs what may run, and says when the user must answer. */
  async afterReply(sessionId: string, round: number): Promise<void> {
    if (round + 1 >= MAX_TOOL_ROUNDS) return;
    const settings = await getSettings(this.core.db, sessionId);
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
    if (asks) this.core.emit({ type: 'approval', sessionId });
  }

  /**
   * Answers a call the model asked for: runs it once, runs it and every later call of the same
   * tool in this session without asking ('always'), or refuses it. Resolves once the answer is
   * stored; a call runs on (see idle()). Once every call is answered, the model goes on.
   */
  async answer(sessionId: string, toolCallId: string, answer: ToolAnswer): Promise<void> {
    const { db } = this.core;
    const waiting = await this.pendingApprovals(sessionId);
    const call = waiting?.calls.find((c) => c.id === toolCallId);
    if (!waiting || !call) throw new TernError('not-found', NO_LONGER_WAITING);
    if (answer === 'deny') {
      await this.answerWith(sessionId, call, {
        result: 'The user refused this tool call.',
        isError: true,
      });
      return;
    }
    const settings = await getSettings(db, sessionId);
    const tools = await this.sessionTools(sessionId, settings);
    const tool = tools.find((t) => t.spec.name === call.name);
    if (answer === 'always' && tool) {
      const key = toolKey(tool);
      const always = settings.alwaysAllow ?? [];
      if (!always.includes(key))
        await setSettings(db, sessionId, { alwaysAllow: [...always, key] });
    }
    if (!(await this.startCall(sessionId, call, tools).claimed))
      throw new TernError('not-found', NO_LONGER_WAITING);
  }

  /** Calls a reload cut while they ran: marked so, never run again; the model hears of it. */
  async closeInterrupted(rows: readonly MessageRow[]): Promise<void> {
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
      await editMessage(this.core.db, row.id, {
        ...patch,
        metadata: { ...meta, ...(patch.metadata ?? {}), arguments: meta.arguments ?? '' },
      });
      sessions.add(row.sessionId);
    }
    for (const sessionId of sessions) this.core.track(this.advance(sessionId));
  }

  private async answerWith(sessionId: string, call: ToolCall, outcome: ToolOutcome) {
    const row = await claimToolCall(this.core.db, sessionId, toolMessage(call, outcome));
    if (!row) throw new TernError('not-found', NO_LONGER_WAITING);
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
    const claim = claimToolCall(this.core.db, sessionId, runningToolMessage(call, from));
    const run = claim.then(async (row) => {
      if (!row) return;
      await this.runCall(row, call, tools, from);
      await this.advance(sessionId);
    });
    this.core.track(run);
    return { claimed: claim.then((r) => r !== null) };
  }

  /** Runs a claimed call, its progress notes written as they come, and stores the outcome. */
  private async runCall(
    row: MessageRow,
    call: ToolCall,
    tools: readonly SessionTool[],
    from: CallOrigin | undefined,
  ): Promise<void> {
    const { db, toolRuns } = this.core;
    const controller = new AbortController();
    toolRuns.set(call.id, controller);
    let writes = Promise.resolve();
    let outcome: ToolOutcome = INTERRUPTED_CALL;
    try {
      await this.core.withStreamLock(row.id, async () => {
        outcome = await runTool(tools, call.name, call.arguments, {
          signal: controller.signal,
          onProgress: (note) => {
            writes = writes
              .then(() =>
                editMessage(db, row.id, { metadata: { ...row.metadata, progress: note } }),
              )
              .then(
                () => {},
                () => {},
              );
          },
        });
      });
      await writes;
      await finishToolCall(db, row.id, finishedToolPatch(call, outcome, from));
    } finally {
      toolRuns.delete(call.id);
    }
  }

  /** The next round, if every call of the latest reply is answered and none still runs. */
  private async advance(sessionId: string): Promise<void> {
    const { db } = this.core;
    const next = await openNextRound(db, sessionId, await this.core.replyMetadata(sessionId));
    if (!next) return;
    if (next.round >= MAX_TOOL_ROUNDS) {
      await editMessage(db, next.reply.id, {
        status: 'error',
        error: {
          code: 'too-many-tool-rounds',
          message: `The model asked for tools ${MAX_TOOL_ROUNDS} times in a row; Tern stopped there.`,
        },
      });
      return;
    }
    await this.startReply(sessionId, next.reply, next.round);
  }
}
