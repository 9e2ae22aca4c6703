// A message's parts as a Tern file holds them: each copied out field by field, the optional ones
// kept only when they have the right type.
import type { MessagePart } from '../../db/rows';
import { invalid, obj, str } from '../clean';

export function part(v: unknown): MessagePart {
  const p = obj(v, 'A message part');
  switch (p.type) {
    case 'text':
      return { type: 'text', text: str(p.text, 'A text part') };
    case 'thinking': {
      const out: MessagePart = { type: 'thinking', text: str(p.text, 'A thinking part') };
      if (typeof p.signature === 'string') out.signature = p.signature;
      if (typeof p.redacted === 'string') out.redacted = p.redacted;
      return out;
    }
    case 'image': {
      const out: MessagePart = { type: 'image', imageId: str(p.imageId, 'An image part') };
      if (typeof p.mimeType === 'string') out.mimeType = p.mimeType;
      if (typeof p.alt === 'string') out.alt = p.alt;
      return out;
    }
    case 'tool-call': {
      const out: MessagePart = {
        type: 'tool-call',
        toolCallId: str(p.toolCallId, 'A tool call id'),
        name: str(p.name, 'A tool name'),
        arguments: str(p.arguments, 'Tool arguments'),
      };
      if (typeof p.signature === 'string') out.signature = p.signature;
      return out;
    }
    case 'tool-result': {
      const out: MessagePart = {
        type: 'tool-result',
        toolCallId: str(p.toolCallId, 'A tool result id'),
        result: str(p.result, 'A tool result'),
      };
      if (typeof p.name === 'string') out.name = p.name;
      if (typeof p.isError === 'boolean') out.isError = p.isError;
      return out;
    }
    default:
      throw invalid(`A message part has an unknown type.`);
  }
}
