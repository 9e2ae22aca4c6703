// Stored messages → the neutral request history. What the model sees is what the user sees:
// pending, errored and empty replies are left out; tool calls and results go as they were stored.
import type { MessageRow } from '../../db/rows';
import type { ChatMessage, ToolCall } from '../../providers/types';

export function toChatMessages(rows: readonly MessageRow[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const row of rows) {
    if (row.role === 'user') out.push({ role: 'user', content: row.content });
    else if (row.role === 'assistant') {
      if (row.status === 'error' && row.content === '') continue;
      const toolCalls: ToolCall[] = row.parts.flatMap((p) =>
        p.type === 'tool-call' ? [{ id: p.toolCallId, name: p.name, arguments: p.arguments }] : [],
      );
      if (row.content === '' && toolCalls.length === 0) continue;
      out.push({
        role: 'assistant',
        content: row.content,
        ...(toolCalls.length ? { toolCalls } : {}),
      });
    } else if (row.role === 'tool') {
      const part = row.parts.find((p) => p.type === 'tool-result');
      out.push({
        role: 'tool',
        toolCallId: row.toolCallId ?? '',
        name: row.name ?? '',
        content: row.content,
        ...(part?.type === 'tool-result' && part.isError ? { isError: true } : {}),
      });
    }
    // System rows are folded into the request's system prompt by the caller.
  }
  return out;
}
