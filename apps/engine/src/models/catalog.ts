// The curated catalog: a few GGUF models that work well with the editor, by purpose. Sizes are the files' sizes on
// Hugging Face (approximate; the server's figure is what the free-disk check uses). Completion models are base
// (not instruct) models with fill-in-the-middle tokens, as llama.vscode recommends them.
import type { CatalogEntry } from '@pa/shared';

const MB = 1_000_000;

export const CATALOG: readonly CatalogEntry[] = [
  {
    id: 'qwen2.5-coder-0.5b',
    title: 'Qwen2.5-Coder 0.5B (Q8_0)',
    source: 'hf:ggml-org/Qwen2.5-Coder-0.5B-Q8_0-GGUF/qwen2.5-coder-0.5b-q8_0.gguf',
    fileName: 'qwen2.5-coder-0.5b-q8_0.gguf',
    sizeBytes: 531 * MB,
    parameters: '0.5B',
    licence: 'Apache-2.0',
    purpose: ['completion'],
    description: 'Code completion on any machine, CPU included: fast, short suggestions.',
    moe: false,
  },
  {
    id: 'qwen2.5-coder-1.5b',
    title: 'Qwen2.5-Coder 1.5B (Q8_0)',
    source: 'hf:ggml-org/Qwen2.5-Coder-1.5B-Q8_0-GGUF/qwen2.5-coder-1.5b-q8_0.gguf',
    fileName: 'qwen2.5-coder-1.5b-q8_0.gguf',
    sizeBytes: 1_650 * MB,
    parameters: '1.5B',
    licence: 'Apache-2.0',
    purpose: ['completion'],
    description: 'Code completion with 8 GB of RAM or a small GPU: the usual choice.',
    moe: false,
  },
  {
    id: 'qwen2.5-coder-7b',
    title: 'Qwen2.5-Coder 7B (Q8_0)',
    source: 'hf:ggml-org/Qwen2.5-Coder-7B-Q8_0-GGUF/qwen2.5-coder-7b-q8_0.gguf',
    fileName: 'qwen2.5-coder-7b-q8_0.gguf',
    sizeBytes: 8_100 * MB,
    parameters: '7B',
    licence: 'Apache-2.0',
    purpose: ['completion'],
    description: 'Better multi-line completion; wants a GPU with 10 GB or more.',
    moe: false,
  },
  {
    id: 'qwen2.5-7b-instruct',
    title: 'Qwen2.5 7B Instruct (Q4_K_M)',
    source: 'hf:bartowski/Qwen2.5-7B-Instruct-GGUF/Qwen2.5-7B-Instruct-Q4_K_M.gguf',
    fileName: 'Qwen2.5-7B-Instruct-Q4_K_M.gguf',
    sizeBytes: 4_680 * MB,
    parameters: '7B',
    licence: 'Apache-2.0',
    purpose: ['chat'],
    description: 'Chat, explanations and commit messages, local; runs on CPU with 16 GB of RAM.',
    moe: false,
  },
  {
    id: 'qwen3-coder-30b-a3b',
    title: 'Qwen3-Coder 30B-A3B Instruct (Q4_K_M, MoE)',
    source: 'hf:unsloth/Qwen3-Coder-30B-A3B-Instruct-GGUF/Qwen3-Coder-30B-A3B-Instruct-Q4_K_M.gguf',
    fileName: 'Qwen3-Coder-30B-A3B-Instruct-Q4_K_M.gguf',
    sizeBytes: 18_600 * MB,
    parameters: '30B (3B active)',
    licence: 'Apache-2.0',
    purpose: ['agent', 'chat'],
    description:
      'A mixture-of-experts coder (Kimi-style: many experts, few active) for agent work on machines with 24 GB or more.',
    moe: true,
  },
];
