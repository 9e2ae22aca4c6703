// Small chat models that run in a phone's browser, offered by name and size; nothing is
// downloaded until the user chooses one. Sizes are the files' sizes, rounded; the download shows
// the exact figure the server gives.
export interface SuggestedModel {
  label: string;
  /** Parameters and quantisation, in words. */
  detail: string;
  approxBytes: number;
  url: string;
}

const MB = 1024 * 1024;

export const SUGGESTED_MODELS: readonly SuggestedModel[] = [
  {
    label: 'SmolLM2 360M Instruct',
    detail: '360 million parameters, 8-bit',
    approxBytes: 386 * MB,
    url: 'https://huggingface.co/HuggingFaceTB/SmolLM2-360M-Instruct-GGUF/resolve/main/smollm2-360m-instruct-q8_0.gguf',
  },
  {
    label: 'Qwen2.5 0.5B Instruct',
    detail: '0.5 billion parameters, 4-bit (Q4_K_M)',
    approxBytes: 491 * MB,
    url: 'https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf',
  },
  {
    label: 'Llama 3.2 1B Instruct',
    detail: '1.2 billion parameters, 4-bit (Q4_K_M)',
    approxBytes: 808 * MB,
    url: 'https://huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF/resolve/main/Llama-3.2-1B-Instruct-Q4_K_M.gguf',
  },
  {
    label: 'Gemma 3 1B Instruct',
    detail: '1 billion parameters, 4-bit (Q4_K_M)',
    approxBytes: 806 * MB,
    url: 'https://huggingface.co/ggml-org/gemma-3-1b-it-GGUF/resolve/main/gemma-3-1b-it-Q4_K_M.gguf',
  },
  {
    label: 'Qwen2.5 1.5B Instruct',
    detail: '1.5 billion parameters, 4-bit (Q4_K_M)',
    approxBytes: 1117 * MB,
    url: 'https://huggingface.co/Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/main/qwen2.5-1.5b-instruct-q4_k_m.gguf',
  },
];
