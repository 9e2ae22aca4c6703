// Stored messages → the neutral request history. What the model sees is what the user sees:
// pending, errored and empty replies are left out; tool calls and results go as they were stored
// (a very long result cut, with a note);
// a user's images go with their text when they could be loaded (see request-images.ts).
import type { MessageRow } from '../../db/rows';
import type { ChatMessage, ContentPart, ToolCall } from '../../providers/types';
import type { RequestImage } from './request-images';
import { returnableThinking } from './thoughts';

const NO_IMAGES: ReadonlyMap<string, RequestImage> = new Map();

/** A tool result past this many characters goes to the model cut, with a note; all of it is kept. */
export const MAX_TOOL_RESULT_CHARS = 20_000;

export function resultForModel(text: string): string {
  if (text.length <= MAX_TOOL_RESULT_CHARS) return text;
  return `${text.slice(0, MAX_TOOL_RESULT_CHARS)}\n\n[Result cut: only the first ${MAX_TOOL_RESULT_CHARS.toLocaleString('en')} of ${text.length.toLocaleString('en')} characters are sent. The whole result is kept in the conversation.]`;
}

// The text first, then the images in the order they were attached (as the composer shows them).
// With no image to send the content stays a plain string, exactly as a text-only message goes.
function userContent(
  row: MessageRow,
  images: ReadonlyMap<string, RequestImage>,
): string | ContentPart[] {
  const attached = row.parts.flatMap((p): ContentPart[] => {
    const image = p.type === 'image' ? images.get(p.imageId) : undefined;
    return image ? [{ type: 'image', mimeType: image.mimeType, data: image.data }] : [];
  });
  // A message that was only images, all since deleted, still needs words: providers refuse an
  // empty turn, and the model should know something was there.
  if (attached.length === 0)
    return row.content === '' && row.parts.some((p) => p.type === 'image')
      ? '(An image was attached here; it has since been deleted.)'
      : row.content;
  return [...(row.content ? [{ type: 'text' as const, text: row.content }] : []), ...attached];
}

export function toChatMessages(
  rows: readonly MessageRow[],
  images: ReadonlyMap<string, RequestImage> = NO_IMAGES,
): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const row of rows) {
    if (row.role === 'user') out.push({ role: 'user', content: userContent(row, images) });
    else if (row.role === 'assistant') {
      if (row.status === 'error' && row.content === '') continue;
      const toolCalls: ToolCall[] = row.parts.flatMap((p) =>
        p.type === 'tool-call'
          ? [
              {
                id: p.toolCallId,
                name: p.name,
                arguments: p.arguments,
                ...(p.signature ? { signature: p.signature } : {}),
              },
            ]
          : [],
      );
      if (row.content === '' && toolCalls.length === 0) continue;
      const thinking = returnableThinking(row.parts);
      out.push({
        role: 'assistant',
        content: row.content,
        ...(toolCalls.length ? { toolCalls } : {}),
        ...(thinking.length ? { thinking } : {}),
      });
    } else if (row.role === 'tool') {
      const part = row.parts.find((p) => p.type === 'tool-result');
      out.push({
        role: 'tool',
        toolCallId: row.toolCallId ?? '',
        name: row.name ?? '',
        content: resultForModel(row.content),
        ...(part?.type === 'tool-result' && part.isError ? { isError: true } : {}),
      });
    }
    // System rows are folded into the request's system prompt by the caller.
  }
  return out;
}
