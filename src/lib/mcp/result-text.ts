// A tool's result as text: what the model is sent and the user reads. Content a model cannot take
// as text (images, audio, binary resources) is named, not pasted.
import type { McpToolOutcome } from './types';

interface ContentItem {
  type: string;
  text?: string;
  mimeType?: string;
  data?: string;
  uri?: string;
  name?: string;
  resource?: { uri?: string; text?: string; blob?: string; mimeType?: string };
}

function bytesOf(base64: string | undefined): string {
  const n = Math.floor(((base64?.length ?? 0) * 3) / 4);
  return n < 1024 ? `${n} bytes` : `${Math.round(n / 1024).toLocaleString('en')} KB`;
}

function itemText(c: ContentItem): string {
  switch (c.type) {
    case 'text':
      return c.text ?? '';
    case 'image':
    case 'audio':
      return `[${c.type === 'image' ? 'Image' : 'Audio'}: ${c.mimeType ?? 'unknown type'}, ${bytesOf(c.data)}]`;
    case 'resource_link':
      return `[Resource: ${c.name ?? ''} ${c.uri ?? ''}]`.replace(/ +]/, ']');
    case 'resource':
      return typeof c.resource?.text === 'string'
        ? c.resource.text
        : `[Resource: ${c.resource?.uri ?? ''} (${c.resource?.mimeType ?? 'binary'}, ${bytesOf(c.resource?.blob)})]`;
    default:
      return `[Content of type ${c.type}]`;
  }
}

export function resultText(res: {
  content?: unknown;
  structuredContent?: unknown;
  toolResult?: unknown;
  isError?: unknown;
}): McpToolOutcome {
  const items = Array.isArray(res.content) ? (res.content as ContentItem[]) : [];
  let text = items
    .map(itemText)
    .filter((t) => t !== '')
    .join('\n\n');
  if (text === '' && res.structuredContent !== undefined)
    text = JSON.stringify(res.structuredContent, null, 2);
  if (text === '' && res.toolResult !== undefined) text = JSON.stringify(res.toolResult, null, 2);
  return {
    result: text === '' ? '(The tool returned nothing.)' : text,
    isError: res.isError === true,
  };
}

export function progressText(p: { progress: number; total?: number; message?: string }): string {
  const count = p.total ? `${p.progress} of ${p.total}` : `${p.progress}`;
  return p.message ? `${p.message} (${count})` : `Working… ${count}`;
}
