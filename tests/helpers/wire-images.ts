// Reads the user turns back out of a request body as the server received it, in each provider's
// own format, with the image bytes decoded, so a test can compare them with what was stored.
// No Node APIs: the browser tests use it too.
import type { ProviderKind } from '../../src/lib/providers/types';

export interface WireImage {
  mimeType: string;
  bytes: number[];
}

export interface WireUserTurn {
  texts: string[];
  images: WireImage[];
  /** The user turn exactly as sent. */
  raw: unknown;
}

type Obj = Record<string, unknown>;

export function decodeBase64(data: string): number[] {
  return Array.from(atob(data), (c) => c.charCodeAt(0));
}

function openAITurn(m: Obj): WireUserTurn {
  const turn: WireUserTurn = { texts: [], images: [], raw: m };
  if (typeof m.content === 'string') turn.texts.push(m.content);
  else
    for (const p of m.content as Obj[]) {
      if (p.type === 'text') turn.texts.push(p.text as string);
      else if (p.type === 'image_url') {
        const url = (p.image_url as { url: string }).url;
        const match = /^data:([^;]+);base64,(.*)$/.exec(url);
        if (!match) throw new Error(`not a base64 data URL: ${url.slice(0, 40)}`);
        turn.images.push({ mimeType: match[1] ?? '', bytes: decodeBase64(match[2] ?? '') });
      } else throw new Error(`unexpected part ${JSON.stringify(p)}`);
    }
  return turn;
}

function anthropicTurn(m: Obj): WireUserTurn {
  const turn: WireUserTurn = { texts: [], images: [], raw: m };
  for (const b of m.content as Obj[]) {
    if (b.type === 'text') turn.texts.push(b.text as string);
    else if (b.type === 'image') {
      const source = b.source as { type: string; media_type: string; data: string };
      if (source.type !== 'base64') throw new Error(`unexpected source ${source.type}`);
      turn.images.push({ mimeType: source.media_type, bytes: decodeBase64(source.data) });
    }
  }
  return turn;
}

function geminiTurn(c: Obj): WireUserTurn {
  const turn: WireUserTurn = { texts: [], images: [], raw: c };
  for (const p of c.parts as Obj[]) {
    if (typeof p.text === 'string') turn.texts.push(p.text);
    else if (p.inlineData) {
      const d = p.inlineData as { mimeType: string; data: string };
      turn.images.push({ mimeType: d.mimeType, bytes: decodeBase64(d.data) });
    }
  }
  return turn;
}

export function userTurns(kind: ProviderKind, body: unknown): WireUserTurn[] {
  const b = body as Obj;
  if (kind === 'gemini')
    return (b.contents as Obj[]).filter((c) => c.role === 'user').map(geminiTurn);
  const messages = (b.messages as Obj[]).filter((m) => m.role === 'user');
  return messages.map(kind === 'anthropic' ? anthropicTurn : openAITurn);
}

/** A user turn holding only `text`, as each provider sent text before images were supported. */
export function textOnlyTurn(kind: ProviderKind, text: string): unknown {
  if (kind === 'openai-compatible') return { role: 'user', content: text };
  if (kind === 'anthropic') return { role: 'user', content: [{ type: 'text', text }] };
  return { role: 'user', parts: [{ text }] };
}
