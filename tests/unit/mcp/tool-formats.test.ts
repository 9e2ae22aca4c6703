// MCP tool schemas as each provider's tool format. A tool as the reference SDK's server writes it
// (zod → JSON Schema, with $schema and additionalProperties) goes through readTool and the engine's
// naming, then through each adapter against the wire-protocol server, where the request is read.
import { describe, expect, it } from 'vitest';
import { uniqueNames, type SessionTool } from '../../../src/lib/domain/chat/tools';
import { offeredTools } from '../../../src/lib/domain/chat/tools';
import { readTool, toolParameters, toolSpec } from '../../../src/lib/mcp/schema';
import { loadProvider } from '../../../src/lib/providers/registry';
import type { ProviderKind } from '../../../src/lib/providers/types';
import { useProviderServer, wireConfig } from '../../helpers/use-provider-server';

const server = await useProviderServer();

const SEARCH = {
  name: 'search.files',
  description: 'Finds files by **name**.',
  inputSchema: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: {
      query: { type: 'string', description: 'Part of the name' },
      limit: { type: 'integer', minimum: 1, default: 10 },
      kinds: { type: 'array', items: { type: 'string', enum: ['file', 'dir'] } },
    },
    required: ['query'],
    additionalProperties: false,
  },
};
const EXPECTED_PARAMETERS = {
  type: 'object',
  properties: SEARCH.inputSchema.properties,
  required: ['query'],
  additionalProperties: false,
};

function mcpTool(raw: typeof SEARCH, serverName = 'Files'): SessionTool {
  const info = readTool(raw);
  return {
    spec: toolSpec(info, info.name),
    origin: 'srv',
    originLabel: serverName,
    toolName: info.name,
    run: () => ({ result: '', isError: false }),
  };
}

async function sentTools(kind: ProviderKind, tools: SessionTool[]): Promise<unknown> {
  const provider = await loadProvider(kind);
  const request = {
    model: 'model-a',
    messages: [{ role: 'user' as const, content: 'Hi' }],
    tools: tools.map((t) => t.spec),
  };
  const events = [];
  for await (const e of provider.stream(wireConfig(server, kind, 'k'), request)) events.push(e);
  expect(events.at(-1)?.type).toBe('finish');
  return (server.requests.at(-1)?.body as { tools: unknown }).tools;
}

describe('MCP tool schema → provider tool formats', () => {
  const tools = uniqueNames([mcpTool(SEARCH)]);

  it('OpenAI: a function with the schema as parameters, the name made safe', async () => {
    expect(await sentTools('openai-compatible', tools)).toEqual([
      {
        type: 'function',
        function: {
          name: 'search_files',
          description: 'Finds files by **name**.',
          parameters: EXPECTED_PARAMETERS,
        },
      },
    ]);
  });

  it('Anthropic: input_schema', async () => {
    expect(await sentTools('anthropic', tools)).toEqual([
      {
        name: 'search_files',
        description: 'Finds files by **name**.',
        input_schema: EXPECTED_PARAMETERS,
      },
    ]);
  });

  it('Gemini: a function declaration with the full JSON Schema (parametersJsonSchema)', async () => {
    expect(await sentTools('gemini', tools)).toEqual([
      {
        functionDeclarations: [
          {
            name: 'search_files',
            description: 'Finds files by **name**.',
            parametersJsonSchema: EXPECTED_PARAMETERS,
          },
        ],
      },
    ]);
  });
});

describe('reading a server’s tools', () => {
  it('a schema without type or properties is an object with none', () => {
    expect(toolParameters({})).toEqual({
      ok: true,
      parameters: { type: 'object', properties: {} },
    });
  });

  it('refuses schemas that are not objects, malformed, too big or too deep, with a note', () => {
    expect(readTool({ name: 'a', inputSchema: 'x' }).refused).toMatch(/not a JSON object/);
    expect(readTool({ name: 'a', inputSchema: { type: 'string' } }).refused).toMatch(
      /does not describe an object/,
    );
    expect(
      readTool({ name: 'a', inputSchema: { type: 'object', properties: [] } }).refused,
    ).toMatch(/malformed/);
    const big = { type: 'object', properties: { a: { description: 'x'.repeat(20_000) } } };
    expect(readTool({ name: 'a', inputSchema: big }).refused).toMatch(
      /too big \(20,0\d\d characters/,
    );
    let deep: Record<string, unknown> = { type: 'string' };
    for (let i = 0; i < 20; i++) deep = { type: 'object', properties: { x: deep } };
    expect(readTool({ name: 'a', inputSchema: deep }).refused).toMatch(/nested too deeply/);
  });

  it('names: a collision with a built-in or another server is namespaced, never shadowing', () => {
    const builtins = offeredTools('auto', []);
    const a = mcpTool({ ...SEARCH, name: 'calculator' }, 'Math One');
    const b = { ...mcpTool({ ...SEARCH, name: 'calculator' }, 'Math Two'), origin: 'two' };
    const names = uniqueNames([a, ...builtins, b]).map((t) => [t.originLabel, t.spec.name]);
    expect(names).toEqual([
      ['Built-in', 'current_time'],
      ['Built-in', 'calculator'],
      ['Math One', 'mcp__Math_One__calculator'],
      ['Math Two', 'mcp__Math_Two__calculator'],
    ]);
    const long = mcpTool({ ...SEARCH, name: 'x'.repeat(100) });
    expect(uniqueNames([long])[0]?.spec.name).toHaveLength(64);
  });
});
