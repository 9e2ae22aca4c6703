// Tool calls as stored data: which calls of the latest reply still have no result (and so wait
// for the user's answer), and the tool message that records a result.
import type { MessageRow } from '../../db/rows';
import type { ToolCall } from '../../providers/types';
import type { NewMessage } from '../messages';

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

export function toolMessage(
  call: ToolCall,
  outcome: { result: string; isError: boolean },
): NewMessage {
  return {
    role: 'tool',
    name: call.name,
    toolCallId: call.id,
    content: outcome.result,
    parts: [
      {
        type: 'tool-result',
        toolCallId: call.id,
        name: call.name,
        result: outcome.result,
        ...(outcome.isError ? { isError: true } : {}),
      },
    ],
    metadata: { arguments: call.arguments },
  };
}
