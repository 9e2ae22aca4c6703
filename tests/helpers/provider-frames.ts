// The streamed events of each wire protocol for a scripted reply, framed as the real APIs frame
// them (see provider-server.ts for what each protocol sends).

export interface ScriptedToolCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
  /** Gemini: the thoughtSignature sent beside the call, as Gemini 3 does. */
  signature?: string;
}

export type Script =
  | {
      kind: 'reply';
      /** The reply's tokens, streamed one per event. */
      tokens?: string[];
      thinking?: string[];
      /** Anthropic: the signature that closes the thinking block (a default one when unset). */
      thinkingSignature?: string;
      /** Anthropic: a redacted_thinking block with this data, after the thinking. */
      redactedThinking?: string;
      toolCalls?: ScriptedToolCall[];
      /** Leave out the usage report, so the client must estimate. */
      noUsage?: boolean;
      /** Wait between events (to stop or reload in the middle). */
      delayMs?: number;
      /** After this many events: cut the connection, stop sending, or send broken JSON. */
      fault?: { after: number; type: 'cut' | 'stall' | 'malformed' };
    }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** A 400 saying the prompt is longer than the model's context window, in the protocol's words. */
  | { kind: 'context-too-long' };

/** The 400 each API sends for a prompt longer than the context window, as they send it. */
export function contextTooLongBody(path: string): unknown {
  if (path.endsWith('/v1/messages'))
    return {
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: 'prompt is too long: 208310 tokens > 200000 maximum',
      },
    };
  if (path.includes(':streamGenerateContent'))
    return {
      error: {
        code: 400,
        message:
          'The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).',
        status: 'INVALID_ARGUMENT',
      },
    };
  return {
    error: {
      message:
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.",
      type: 'invalid_request_error',
      param: 'messages',
      code: 'context_length_exceeded',
    },
  };
}

export const DEFAULT_REPLY = ['Hello', ' from', ' the', ' test', ' server', '.'];
const INPUT_TOKENS = 12;

export type Frame = { event?: string; data: string };

export function openAIFrames(s: Extract<Script, { kind: 'reply' }>, model: string): Frame[] {
  const base = { id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1, model };
  const chunk = (delta: unknown, finish: string | null = null) => ({
    data: JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] }),
  });
  const frames: Frame[] = [chunk({ role: 'assistant', content: '' })];
  for (const t of s.thinking ?? []) frames.push(chunk({ reasoning_content: t }));
  for (const t of s.tokens ?? []) frames.push(chunk({ content: t }));
  (s.toolCalls ?? []).forEach((c, index) => {
    const args = JSON.stringify(c.args);
    const mid = Math.floor(args.length / 2);
    frames.push(
      chunk({
        tool_calls: [
          { index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } },
        ],
      }),
    );
    frames.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(0, mid) } }] }));
    frames.push(chunk({ tool_calls: [{ index, function: { arguments: args.slice(mid) } }] }));
  });
  frames.push(chunk({}, s.toolCalls?.length ? 'tool_calls' : 'stop'));
  if (!s.noUsage)
    frames.push({
      data: JSON.stringify({
        ...base,
        choices: [],
        usage: {
          prompt_tokens: INPUT_TOKENS,
          completion_tokens: outputTokens(s),
          total_tokens: INPUT_TOKENS + outputTokens(s),
        },
      }),
    });
  frames.push({ data: '[DONE]' });
  return frames;
}

function outputTokens(s: Extract<Script, { kind: 'reply' }>): number {
  return (s.tokens?.length ?? 0) + (s.thinking?.length ?? 0) + (s.toolCalls?.length ?? 0) * 3;
}

export function anthropicFrames(s: Extract<Script, { kind: 'reply' }>, model: string): Frame[] {
  const ev = (event: string, data: Record<string, unknown>): Frame => ({
    event,
    data: JSON.stringify({ type: event, ...data }),
  });
  const frames: Frame[] = [
    ev('message_start', {
      message: {
        id: 'msg_test',
        type: 'message',
        role: 'assistant',
        content: [],
        model,
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: s.noUsage ? 0 : INPUT_TOKENS, output_tokens: 1 },
      },
    }),
  ];
  let index = 0;
  if (s.thinking?.length) {
    frames.push(
      ev('content_block_start', { index, content_block: { type: 'thinking', thinking: '' } }),
    );
    for (const t of s.thinking)
      frames.push(
        ev('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: t } }),
      );
    // The API signs every thinking block just before closing it.
    const signature = s.thinkingSignature ?? 'test-signature';
    frames.push(
      ev('content_block_delta', { index, delta: { type: 'signature_delta', signature } }),
    );
    frames.push(ev('content_block_stop', { index }));
    index++;
  }
  if (s.redactedThinking) {
    frames.push(
      ev('content_block_start', {
        index,
        content_block: { type: 'redacted_thinking', data: s.redactedThinking },
      }),
    );
    frames.push(ev('content_block_stop', { index }));
    index++;
  }
  frames.push(ev('ping', {}));
  if (s.tokens?.length) {
    frames.push(ev('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    for (const t of s.tokens)
      frames.push(ev('content_block_delta', { index, delta: { type: 'text_delta', text: t } }));
    frames.push(ev('content_block_stop', { index }));
    index++;
  }
  for (const c of s.toolCalls ?? []) {
    const args = JSON.stringify(c.args);
    const mid = Math.floor(args.length / 2);
    frames.push(
      ev('content_block_start', {
        index,
        content_block: { type: 'tool_use', id: c.id, name: c.name, input: {} },
      }),
    );
    frames.push(
      ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } }),
    );
    frames.push(
      ev('content_block_delta', {
        index,
        delta: { type: 'input_json_delta', partial_json: args.slice(0, mid) },
      }),
    );
    frames.push(
      ev('content_block_delta', {
        index,
        delta: { type: 'input_json_delta', partial_json: args.slice(mid) },
      }),
    );
    frames.push(ev('content_block_stop', { index }));
    index++;
  }
  frames.push(
    ev('message_delta', {
      delta: { stop_reason: s.toolCalls?.length ? 'tool_use' : 'end_turn', stop_sequence: null },
      usage: { output_tokens: outputTokens(s) },
    }),
  );
  frames.push(ev('message_stop', {}));
  return frames;
}

export function geminiFrames(s: Extract<Script, { kind: 'reply' }>, model: string): Frame[] {
  const frames: Frame[] = [];
  let sent = 0;
  const usage = () =>
    s.noUsage
      ? {}
      : {
          usageMetadata: {
            promptTokenCount: INPUT_TOKENS,
            candidatesTokenCount: sent,
            totalTokenCount: INPUT_TOKENS + sent,
          },
        };
  const push = (parts: unknown[], finishReason?: string) =>
    frames.push({
      data: JSON.stringify({
        candidates: [
          {
            content: { parts, role: 'model' },
            index: 0,
            ...(finishReason ? { finishReason } : {}),
          },
        ],
        ...usage(),
        modelVersion: model,
        responseId: 'resp-test',
      }),
    });
  for (const t of s.thinking ?? []) {
    sent++;
    push([{ text: t, thought: true }]);
  }
  const tokens = s.tokens ?? [];
  tokens.forEach((t, i) => {
    sent++;
    const last = i === tokens.length - 1 && !s.toolCalls?.length;
    push([{ text: t }], last ? 'STOP' : undefined);
  });
  if (s.toolCalls?.length) {
    sent += s.toolCalls.length * 3;
    push(
      s.toolCalls.map((c) => ({
        functionCall: { name: c.name, args: c.args },
        ...(c.signature ? { thoughtSignature: c.signature } : {}),
      })),
      'STOP',
    );
  }
  if (tokens.length === 0 && !s.toolCalls?.length) push([{ text: '' }], 'STOP');
  return frames;
}
