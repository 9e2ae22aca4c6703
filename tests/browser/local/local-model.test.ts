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
  const { engine } = await import('../../../src/lib/providers/local/inference');
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

describe('a reply', () => {
  beforeAll(async () => {
    if (!(await listModels()).some((m) => m.name === 'tiny.gguf')) await saveModelFile(tinyFile());
  });

  it('stops when asked, keeping what arrived, and the model stays loaded for the next', async () => {
    const { engine } = await import('../../../src/lib/providers/local/inference');
    const controller = new AbortController();
    const events: StreamEvent[] = [];
    for await (const e of local.stream(
      CONFIG,
      {
        model: 'tiny.gguf',
        messages: [{ role: 'user', content: 'Tell me a long story' }],
        params: { maxTokens: 400, temperature: 0 },
      },
      { signal: controller.signal },
    )) {
      events.push(e);
      if (events.filter((x) => x.type === 'text').length === 3) controller.abort();
    }
    const texts = events.filter((e) => e.type === 'text');
    expect(texts.length).toBeGreaterThanOrEqual(3);
    expect(texts.length).toBeLessThan(400);
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { code: 'aborted' } });
    const loadedAt = engine.current?.loadMs;
    expect(engine.current?.name).toBe('tiny.gguf');

    // Another session of the tab: the same loaded model answers, the same way at temperature 0.
    const again = async () =>
      (
        await collect({
          model: 'tiny.gguf',
          messages: [{ role: 'user', content: 'Hi' }],
          params: { maxTokens: 8, temperature: 0 },
        })
      )
        .map((e) => (e.type === 'text' ? e.text : ''))
        .join('');
    const first = await again();
    expect(first.length).toBeGreaterThan(0);
    expect(await again()).toBe(first);
    expect(engine.current?.loadMs).toBe(loadedAt);
  });

  it('goes on from a partial reply (Continue) with the whole conversation as context', async () => {
    const events = await collect({
      model: 'tiny.gguf',
      system: 'You are terse.',
      messages: [
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: 'Hi, how' },
        { role: 'user', content: 'Continue exactly where you left off.' },
      ],
      params: { maxTokens: 6, temperature: 0 },
    });
    expect(events.filter((e) => e.type === 'text').length).toBeGreaterThan(0);
    const usage = events.find((e) => e.type === 'usage');
    // The template renders every turn: the prompt is longer than the last message alone.
    expect(usage?.type === 'usage' && (usage.inputTokens ?? 0) > 40).toBe(true);
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'length' });
  });
});

describe('bad input', () => {
  it('refuses a file that is not GGUF, and keeps nothing', async () => {
    const before = await listModels();
    const file = new File(['This is a text file, not a model.\n'.repeat(100)], 'notes.gguf');
    await expect(saveModelFile(file)).rejects.toMatchObject({
      code: 'not-gguf',
      message: expect.stringContaining('not a GGUF model') as unknown,
    });
    expect(await listModels()).toEqual(before);
  });

  it('refuses a truncated GGUF (the header says more than the file holds), and keeps nothing', async () => {
    const before = await listModels();
    const whole = new Blob(makeGguf() as BlobPart[]);
    for (const cut of [100, Math.floor(whole.size / 2), whole.size - 1]) {
      const file = new File([whole.slice(0, cut)], 'cut.gguf');
      await expect(saveModelFile(file)).rejects.toMatchObject({
        code: 'truncated',
        message: expect.stringContaining('incomplete') as unknown,
      });
    }
    expect(await listModels()).toEqual(before);
  });

  it('refuses a second model of the same name', async () => {
    await expect(saveModelFile(tinyFile())).rejects.toMatchObject({ code: 'exists' });
  });

  it('says a model is too big for the memory this device has, before loading it', async () => {
    const { engine } = await import('../../../src/lib/providers/local/inference');
    // A device that reports 256 MB: a page may use half of it.
    Object.defineProperty(navigator, 'deviceMemory', { value: 0.25, configurable: true });
    try {
      await saveModelFile(tinyFile('wide.gguf', { layers: 4, embd: 768, heads: 12, ff: 2048 }));
      const events = await collect({
        model: 'wide.gguf',
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'error',
        error: {
          code: 'out-of-memory',
          message: expect.stringContaining('does not have the memory') as unknown,
        },
      });
      // Refused before loading: the model already loaded stays, untouched.
      expect(engine.current?.name).toBe('tiny.gguf');
    } finally {
      // The own property shadowed the browser's getter; removing it brings the real value back.
      delete (navigator as { deviceMemory?: number }).deviceMemory;
      await removeModel('wide.gguf');
    }
  });

  it('says a model that was removed is no longer on this device', async () => {
    const events = await collect({
      model: 'gone.gguf',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(events).toEqual([
      {
        type: 'error',
        error: expect.objectContaining({
          code: 'model-unavailable',
          message: expect.stringContaining('no longer on this device') as unknown,
        }) as unknown,
      },
    ]);
  });
});

describe('before any model is added', () => {
  it('says there is no model on this device yet', async () => {
    const events = await collect({ model: '', messages: [{ role: 'user', content: 'Hi' }] });
    expect(events).toEqual([
      {
        type: 'error',
        error: expect.objectContaining({
          code: 'model-unavailable',
          message: expect.stringContaining('No model is on this device yet') as unknown,
        }) as unknown,
      },
    ]);
  });
});
