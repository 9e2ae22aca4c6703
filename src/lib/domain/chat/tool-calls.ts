// Tool calls as stored data: which calls of the latest reply still have no result (and so wait
// for the user's answer), and the tool message that records a result.
import type { JsonObject, MessagePart, MessageRow } from '../../db/rows';
import type { ToolCall } from '../../providers/types';
import type { MessagePatch, NewMessage } from '../messages';
import type { ToolOutcome } from './tools';

export interface WaitingCalls {
  replyId: string;
  calls: ToolCall[];
  /** How many tool rounds this user message has had so far. */
  round: number;
}

/** The calls of the last assistant reply that no tool message answers yet; null when none wait. */
export function pendingToolCalls(rows: readonly MessageRow[]): WaitingCalls | null {
  const lastUser = rows.findLastIndex((r) => r.role === 'user');
  const turn = rows.slice(lastUser + 1);
  const reply = turn.findLast((r) => r.role === 'assistant');
  if (!reply || reply.status !== 'complete') return null;
  const answered = new Set(turn.filter((r) => r.role === 'tool').map((r) => r.toolCallId));
  const calls = reply.parts.flatMap((p) =>
    p.type === 'tool-call' && !answered.has(p.toolCallId)
      ? [{ id: p.toolCallId, name: p.name, arguments: p.arguments }]
      : [],
  );
  if (calls.length === 0) return null;
  const round = turn.filter((r) => r.role === 'assistant').length - 1;
  return { replyId: reply.id, calls, round };
}

/** Where a call's tool came from, kept with its message (shown; used to answer "always"). */
export interface CallOrigin {
  origin: string;
  originLabel: string;
}

function callMetadata(call: ToolCall, from?: CallOrigin): JsonObject {
  return {
    arguments: call.arguments,
    ...(from ? { origin: from.origin, server: from.originLabel } : {}),
  };
}

function resultPart(call: ToolCall, outcome: ToolOutcome): MessagePart {
  return {
    type: 'tool-result',
    toolCallId: call.id,
    name: call.name,
    result: outcome.result,
    ...(outcome.isError ? { isError: true } : {}),
  };
}

export function toolMessage(call: ToolCall, outcome: ToolOutcome, from?: CallOrigin): NewMessage {
  return {
    role: 'tool',
    name: call.name,
    toolCallId: call.id,
    content: outcome.result,
    parts: [resultPart(call, outcome)],
    metadata: callMetadata(call, from),
  };
}

/** The message of a call that is running: answered (never asked again), its result to come. */
export function runningToolMessage(call: ToolCall, from?: CallOrigin): NewMessage {
  return {
    role: 'tool',
    name: call.name,
    toolCallId: call.id,
    content: '',
    parts: [],
    status: 'streaming',
    metadata: callMetadata(call, from),
  };
}

export function finishedToolPatch(
  call: ToolCall,
  outcome: ToolOutcome,
  from?: CallOrigin,
  status: 'complete' | 'interrupted' = 'complete',
): MessagePatch {
  return {
    content: outcome.result,
    parts: [resultPart(call, outcome)],
    status,
    metadata: callMetadata(call, from),
  };
}

/** A call a reload or a closed tab cut while it ran: it is not run again. */
export const INTERRUPTED_CALL: ToolOutcome = {
  result:
    'This call was interrupted (the page was closed or reloaded while it ran). It was not run again; its effect, if any, is unknown.',
  isError: true,
};
