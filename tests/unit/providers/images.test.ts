// Images in a request, adapter by adapter, as the real wire-protocol server receives them: each
// provider's own shape, the bytes intact, and plain-string messages sent exactly as before.
import { describe, expect, it } from 'vitest';
import { loadProvider } from '../../../src/lib/providers/registry';
import type {
  ChatRequest,
  ContentPart,
  ProviderKind,
  StreamEvent,
} from '../../../src/lib/providers/types';
import { textOnlyTurn, userTurns } from '../../helpers/wire-images';
import { useProviderServer, wireConfig } from '../../helpers/use-provider-server';

const KINDS: ProviderKind[] = ['openai-compatible', 'anthropic', 'gemini'];
const PNG = [137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 255, 0, 128];
const JPEG = [255, 216, 255, 224, 0, 16, 74, 70, 73, 70, 0, 1];

const server = await useProviderServer();

const config = (kind: ProviderKind) => wireConfig(server, kind, 'sk-images');

const b64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');

async function send(kind: ProviderKind, messages: ChatRequest['messages']): Promise<unknown> {
  const provider = await loadProvider(kind);
  let last: StreamEvent | undefined;
  for await (const e of provider.stream(config(kind), { model: 'model-a', messages })) last = e;
  expect(last).toEqual({ type: 'finish', reason: 'stop' });
  return server.requests[server.requests.length - 1]?.body;
}

describe.each(KINDS)('%s adapter with images', (kind) => {
  it('sends text and images in its own format, the bytes intact', async () => {
    const content: ContentPart[] = [
      { type: 'text', text: 'What are these?' },
      { type: 'image', mimeType: 'image/png', data: b64(PNG) },
      { type: 'image', mimeType: 'image/jpeg', data: b64(JPEG) },
    ];
    const body = await send(kind, [{ role: 'user', content }]);
    const [turn] = userTurns(kind, body);
    expect(turn?.texts).toEqual(['What are these?']);
    expect(turn?.images).toEqual([
      { mimeType: 'image/png', bytes: PNG },
      { mimeType: 'image/jpeg', bytes: JPEG },
    ]);
    // The exact field names of each API, not only something the helper can read.
    const raw = JSON.stringify(turn?.raw);
    if (kind === 'openai-compatible')
      expect(raw).toContain(`{"type":"image_url","image_url":{"url":"data:image/png;base64,`);
    else if (kind === 'anthropic')
      expect(raw).toContain(
        `{"type":"image","source":{"type":"base64","media_type":"image/png","data":"${b64(PNG)}"}}`,
      );
    else expect(raw).toContain(`{"inlineData":{"mimeType":"image/png","data":"${b64(PNG)}"}}`);
  });

  it('sends a plain-string message exactly as before', async () => {
    const body = await send(kind, [{ role: 'user', content: 'Just words' }]);
    expect(userTurns(kind, body).map((t) => t.raw)).toEqual([textOnlyTurn(kind, 'Just words')]);
  });

  it('sends an image-only message without an empty text part', async () => {
    const body = await send(kind, [
      { role: 'user', content: [{ type: 'image', mimeType: 'image/webp', data: b64(PNG) }] },
    ]);
    const [turn] = userTurns(kind, body);
    expect(turn?.texts).toEqual([]);
    expect(turn?.images).toEqual([{ mimeType: 'image/webp', bytes: PNG }]);
  });

  it(
    kind === 'gemini'
      ? 'leaves a GIF out (Gemini refuses them) and keeps the text'
      : 'sends a GIF as it is',
    async () => {
      const body = await send(kind, [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Animated' },
            { type: 'image', mimeType: 'image/gif', data: b64([71, 73, 70, 56, 57, 97]) },
          ],
        },
      ]);
      const [turn] = userTurns(kind, body);
      expect(turn?.texts).toEqual(['Animated']);
      expect(turn?.images.map((i) => i.mimeType)).toEqual(kind === 'gemini' ? [] : ['image/gif']);
    },
  );
});
