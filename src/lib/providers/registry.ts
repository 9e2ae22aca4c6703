// The providers Tern knows, each loaded only when first used so that the app's first load carries
// none of the wire-protocol code. `satisfies` makes a missing or extra kind a type error.
import type { Provider, ProviderKind } from './types';

export interface ProviderInfo {
  kind: ProviderKind;
  name: string;
  defaultBaseUrl: string;
  needsKey: boolean;
  /** Where a browser needs the server set up to allow it, shown beside the settings. */
  note: string;
  /** Replies need the network: all but a model on this device. */
  needsNetwork: boolean;
  /**
   * The model goes on from a trailing assistant turn by itself (a continued reply needs no
   * request to continue), except while thinking, when a prefilled reply is refused.
   */
  continuesPrefill: boolean;
}

export const PROVIDERS = {
  'openai-compatible': {
    kind: 'openai-compatible',
    name: 'OpenAI-compatible',
    defaultBaseUrl: 'http://localhost:11434/v1',
    needsKey: false,
    note: 'OpenAI, Ollama, LM Studio, llama.cpp, vLLM, OpenRouter, Groq… Local servers must allow this page’s origin (Ollama: OLLAMA_ORIGINS).',
    needsNetwork: true,
    continuesPrefill: false,
  },
  anthropic: {
    kind: 'anthropic',
    name: 'Anthropic',
    defaultBaseUrl: 'https://api.anthropic.com',
    needsKey: true,
    note: 'Called straight from the browser with Anthropic’s direct-access header.',
    needsNetwork: true,
    continuesPrefill: true,
  },
  gemini: {
    kind: 'gemini',
    name: 'Google Gemini',
    defaultBaseUrl: 'https://generativelanguage.googleapis.com',
    needsKey: true,
    note: 'Uses the Gemini API key from Google AI Studio.',
    needsNetwork: true,
    continuesPrefill: false,
  },
  local: {
    kind: 'local',
    name: 'On this device',
    defaultBaseUrl: '',
    needsKey: false,
    note: 'A GGUF model kept in this browser: it answers with no network.',
    needsNetwork: false,
    continuesPrefill: false,
  },
} as const satisfies Record<ProviderKind, ProviderInfo>;

export const PROVIDER_KINDS = Object.keys(PROVIDERS) as ProviderKind[];

export function isProviderKind(value: unknown): value is ProviderKind {
  return typeof value === 'string' && value in PROVIDERS;
}

const loaders: Record<ProviderKind, () => Promise<Provider>> = {
  'openai-compatible': () => import('./openai-compatible').then((m) => m.openAICompatible),
  anthropic: () => import('./anthropic').then((m) => m.anthropic),
  gemini: () => import('./gemini').then((m) => m.gemini),
  local: () => import('./local').then((m) => m.local),
};

/** True when replies from this kind of provider need the network: all but a model on this device. */
export function needsNetwork(kind: ProviderKind): boolean {
  return PROVIDERS[kind].needsNetwork;
}

export function loadProvider(kind: ProviderKind): Promise<Provider> {
  return loaders[kind]();
}
