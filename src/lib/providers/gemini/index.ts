// Google Gemini through streamGenerateContent?alt=sse. Each SSE message is a whole
// GenerateContentResponse; function calls arrive complete (not in fragments) and often without an
// id, and the stream has no end marker: a candidate's finishReason is what says it is whole.
import { streamError } from '../errors';
import {
  brokenStream,
  guarded,
  jsonRequest,
  parseData,
  sseRequest,
  trimSlash,
  type CallContext,
} from '../http';
import type {
  ChatRequest,
  ContentPart,
  FinishReason,
  Provider,
  ProviderConfig,
  StreamEvent,
  StreamOptions,
} from '../types';

type Part = Record<string, unknown>;

/** https://ai.google.dev/gemini-api/docs/thought-signatures: for calls Gemini did not sign. */
const SKIP_SIGNATURE = 'skip_thought_signature_validator';

function headers(config: ProviderConfig): Record<string, string> {
  // The key goes in a header rather than ?key= so that it never appears in a URL.
  return { 'content-type': 'application/json', 'x-goog-api-key': config.apiKey };
}

function parseArgs(text: string): unknown {
  try {
    return JSON.parse(text || '{}') as unknown;
  } catch {
    return { _raw: text };
  }
}

/** Gemini takes PNG, JPEG, WebP, HEIC and HEIF; a GIF would fail the whole request. */
const GEMINI_IMAGE_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/heic',
  'image/heif',
]);

function userParts(content: string | ContentPart[]): Part[] {
  if (typeof content === 'string') return [{ text: content }];
  return content.flatMap((p): Part[] => {
    if (p.type === 'text') return [{ text: p.text }];
    if (!GEMINI_IMAGE_TYPES.has(p.mimeType)) return [];
    return [{ inlineData: { mimeType: p.mimeType, data: p.data } }];
  });
}

export function toWireBody(request: ChatRequest): Record<string, unknown> {
  const contents: { role: 'user' | 'model'; parts: Part[] }[] = [];
  const push = (role: 'user' | 'model', parts: Part[]) => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  for (const m of request.messages) {
    if (m.role === 'user') push('user', userParts(m.content));
    else if (m.role === 'assistant') {
      const parts: Part[] = m.content ? [{ text: m.content }] : [];
      (m.toolCalls ?? []).forEach((c, i) => {
        // Gemini 3 wants the signature each call came with, beside it. A call that has none (made
        // by another provider, or stored before signatures were kept) gets the value Google
        // documents for histories Gemini did not write, on the first call of the turn.
        const signature = c.signature ?? (i === 0 ? SKIP_SIGNATURE : undefined);
        parts.push({
          functionCall: { name: c.name, args: parseArgs(c.arguments) },
          ...(signature ? { thoughtSignature: signature } : {}),
        });
      });
      push('model', parts);
    } else
      push('user', [
        {
          functionResponse: {
            name: m.name,
            response: m.isError ? { error: m.content } : { result: m.content },
          },
        },
      ]);
  }
  const p = request.params ?? {};
  const generationConfig = {
    ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
    ...(p.topP !== undefined ? { topP: p.topP } : {}),
    ...(p.maxTokens !== undefined ? { maxOutputTokens: p.maxTokens } : {}),
    ...(p.presencePenalty !== undefined ? { presencePenalty: p.presencePenalty } : {}),
    ...(p.frequencyPenalty !== undefined ? { frequencyPenalty: p.frequencyPenalty } : {}),
    ...(p.stop?.length ? { stopSequences: p.stop } : {}),
    // Thoughts then stream as parts marked `thought`, kept apart from the answer.
    ...(p.thinkingBudget
      ? { thinkingConfig: { thinkingBudget: p.thinkingBudget, includeThoughts: true } }
      : {}),
  };
  return {
    contents,
    ...(request.system ? { systemInstruction: { parts: [{ text: request.system }] } } : {}),
    ...(request.tools?.length
      ? {
          tools: [
            {
              functionDeclarations: request.tools.map((t) => ({
                name: t.name,
                description: t.description,
                // Full JSON Schema (as MCP servers write it): \`parameters\` takes only an
                // OpenAPI subset and refuses keys such as additionalProperties.
                parametersJsonSchema: t.parameters,
              })),
            },
          ],
        }
      : {}),
    ...(Object.keys(generationConfig).length ? { generationConfig } : {}),
  };
}

function finishReason(r: string): FinishReason {
  if (r === 'STOP') return 'stop';
  if (r === 'MAX_TOKENS') return 'length';
  if (r === 'SAFETY' || r === 'RECITATION' || r === 'BLOCKLIST' || r === 'PROHIBITED_CONTENT')
    return 'content-filter';
  return 'other';
}

interface WireChunk {
  candidates?: {
    content?: {
      parts?: {
        text?: string;
        thought?: boolean;
        functionCall?: { id?: string; name?: string; args?: unknown; thoughtSignature?: string };
        thoughtSignature?: string;
      }[];
    };
    finishReason?: string;
  }[];
  usageMetadata?: {
    promptTokenCount?: number;
    candidatesTokenCount?: number;
    thoughtsTokenCount?: number;
  };
  promptFeedback?: { blockReason?: string };
  error?: { message?: string };
}

async function* run(
  config: ProviderConfig,
  request: ChatRequest,
  ctx: CallContext,
): AsyncGenerator<StreamEvent> {
  const model = request.model.replace(/^models\//, '');
  const url = `${trimSlash(config.baseUrl)}/v1beta/models/${encodeURIComponent(model)}:streamGenerateContent?alt=sse`;
  const init = {
    method: 'POST',
    headers: headers(config),
    body: JSON.stringify(toWireBody(request)),
  };
  let finish: FinishReason | null = null;
  let sawCall = false;
  let usage: { inputTokens?: number; outputTokens?: number } | null = null;

  for await (const message of sseRequest(url, init, ctx)) {
    const chunk = parseData(message.data, ctx) as WireChunk;
    if (chunk.error)
      throw streamError(ctx.label, chunk.error.message, ctx.apiKey, {
        code: 'server',
        what: 'an error',
      });
    if (chunk.promptFeedback?.blockReason) finish = 'content-filter';
    for (const candidate of chunk.candidates ?? []) {
      for (const part of candidate.content?.parts ?? []) {
        if (part.functionCall) {
          sawCall = true;
          const id = part.functionCall.id ?? `call_${crypto.randomUUID().slice(0, 8)}`;
          // Gemini 3 puts the signature beside the call; earlier models inside it.
          const signature = part.thoughtSignature ?? part.functionCall.thoughtSignature;
          yield {
            type: 'tool-call-start',
            id,
            name: part.functionCall.name ?? '',
            ...(typeof signature === 'string' && signature !== '' ? { signature } : {}),
          };
          yield {
            type: 'tool-call-delta',
            id,
            argumentsDelta: JSON.stringify(part.functionCall.args ?? {}),
          };
          yield { type: 'tool-call-end', id };
        } else if (part.text) yield { type: part.thought ? 'thinking' : 'text', text: part.text };
      }
      if (candidate.finishReason) finish = finishReason(candidate.finishReason);
    }
    // Each chunk repeats the running totals; only the last one counts.
    if (chunk.usageMetadata) {
      const u = chunk.usageMetadata;
      const output = (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0);
      usage = {
        ...(u.promptTokenCount !== undefined ? { inputTokens: u.promptTokenCount } : {}),
        ...(u.candidatesTokenCount !== undefined ? { outputTokens: output } : {}),
      };
    }
  }
  if (finish === null) throw brokenStream(ctx);
  if (usage) yield { type: 'usage', ...usage };
  yield { type: 'finish', reason: sawCall && finish === 'stop' ? 'tool-calls' : finish };
}

export const gemini: Provider = {
  kind: 'gemini',
  stream(config: ProviderConfig, request: ChatRequest, options: StreamOptions = {}) {
    const ctx: CallContext = { label: config.label, apiKey: config.apiKey, options };
    return guarded(() => run(config, request, ctx), ctx);
  },
  async listModels(config: ProviderConfig, options: StreamOptions = {}) {
    const ctx: CallContext = { label: config.label, apiKey: config.apiKey, options };
    const body = (await jsonRequest(
      `${trimSlash(config.baseUrl)}/v1beta/models?pageSize=1000`,
      { headers: headers(config) },
      ctx,
    )) as {
      models?: { name?: unknown; supportedGenerationMethods?: unknown }[];
    };
    return (body.models ?? [])
      .filter(
        (m) =>
          !Array.isArray(m.supportedGenerationMethods) ||
          m.supportedGenerationMethods.includes('generateContent'),
      )
      .map((m) => m.name)
      .filter((n): n is string => typeof n === 'string')
      .map((n) => n.replace(/^models\//, ''));
  },
};
