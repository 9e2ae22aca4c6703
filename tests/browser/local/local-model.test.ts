// The "On this device" provider in real Chromium: a GGUF made here (random weights, ASCII
// vocabulary) kept in the origin private file system and run by the real engine (wllama) in its
// worker, through the provider's stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeGguf } from '../../../scripts/make-gguf.mjs';
import { local } from '../../../src/lib/providers/local';
import { listModels, removeModel, saveModelFile } from '../../../src/lib/providers/local/storage';
import type { ChatRequest, ProviderConfig, StreamEvent } from '../../../src/lib/providers';

const CONFIG: ProviderConfig = {
  id: 'device',
  kind: 'local',
  label: 'On this device',
  baseUrl: '',
  apiKey: '',
  models: [],
};

function tinyFile(name = 'tiny.gguf', options = {}): File {
  return new File(makeGguf(options) as BlobPart[], name);
}

async function collect(request: ChatRequest, signal?: AbortSignal): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const e of local.stream(CONFIG, request, signal ? { signal } : {})) events.push(e);
  return events;
}

async function clear() {
  for (const m of await listModels()) await removeModel(m.name);
}

beforeAll(clear);
afterAll(async () => {
  const { engine } = await import('../../../src/lib/providers/local/engine');
  await engine.unload();
  await clear();
});

describe('a model picked from disk', () => {
  it('is kept, then streams a reply with the tokens counted by its own tokenizer', async () => {
    const { model, info } = await saveModelFile(tinyFile());
    expect(model.name).toBe('tiny.gguf');
    expect(info.architecture).toBe('llama');
    expect(info.hasChatTemplate).toBe(true);
    expect((await listModels()).map((m) => m.name)).toEqual(['tiny.gguf']);

    const events = await collect({
      model: 'tiny.gguf',
      messages: [{ role: 'user', content: 'Hello there' }],
      params: { maxTokens: 12, temperature: 0 },
    });
    const text = events.filter((e) => e.type === 'text');
    expect(text.length).toBeGreaterThan(1);
    const usage = events.find((e) => e.type === 'usage');
    expect(usage).toMatchObject({ outputTokens: 12 });
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'length' });
  });
});
