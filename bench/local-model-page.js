// Runs in the bench page: loads the model the server offers with wllama, then times a reply.
// No inline script (the page could carry a strict CSP); results go to window.__result.
import { Wllama } from '/wllama/index.js';

window.runBench = async ({ model, threads, maxTokens }) => {
  const blob = await (await fetch(model)).blob();
  const wllama = new Wllama({ default: '/wllama/wasm/wllama.wasm' }, { suppressNativeLog: true });
  const t0 = performance.now();
  await wllama.loadModel([blob], { n_ctx: 1024, n_threads: threads });
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  let firstMs = null;
  let timings = null;
  await wllama.createChatCompletion({
    messages: [{ role: 'user', content: 'Write a story about a tern.' }],
    stream: true,
    max_tokens: maxTokens,
    temperature: 0,
    timings_per_token: true,
    onData: (chunk) => {
      if (firstMs === null && chunk.choices?.[0]?.delta?.content) firstMs = performance.now() - t1;
      if (chunk.timings) timings = chunk.timings;
    },
  });
  const totalMs = performance.now() - t1;
  const result = {
    isolated: crossOriginIsolated,
    threads: wllama.getNumThreads(),
    multithread: wllama.isMultithread(),
    loadMs,
    firstTokenMs: firstMs,
    totalMs,
    predicted: timings?.predicted_n ?? null,
    tokensPerSecond: timings?.predicted_per_second ?? null,
    promptPerSecond: timings?.prompt_per_second ?? null,
  };
  return { result, stop: () => wllama.exit() };
};
