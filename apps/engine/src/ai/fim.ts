// Fill-in-the-middle prompts by model family, how a family is recognised (the model's own tokens, else its name),
// the strings that end a suggestion (end-of-text and every family's FIM control tokens: a model that starts a new
// FIM frame has finished), the hole-filling chat prompt for models without FIM, and the prompt budget.
import type { ChatTurn, FimFamily, InfillChunk } from '@pa/shared';

export interface FimTemplate {
  family: FimFamily;
  /**
   * The prompt's pieces in order: the code (`prefix`, `suffix`), control tokens (`control`), literal text (`text`).
   * Generic so the same layout gives a string (remote) or token arrays (local, control tokens as special tokens).
   */
  layout<T>(prefix: T, suffix: T, control: (token: string) => T, text: (value: string) => T): T[];
  /** Its control tokens (prefix, suffix, middle), to recognise the family in a vocabulary. */
  markers: readonly string[];
  /** Strings that end the suggestion, beyond the markers. */
  stops: readonly string[];
  /** How a chunk of another file is written before the prefix (repository-level FIM), when the family has one. */
  fileSeparator?: string;
}

/** The template's prompt as text, for a completions endpoint that takes the template as its prompt. */
export function fimPrompt(template: FimTemplate, prefix: string, suffix: string): string {
  const same = (value: string) => value;
  return template.layout(prefix, suffix, same, same).join('');
}

/** PRE prefix SUF suffix MID, the order most families were trained on. */
function psm(pre: string, suf: string, mid: string): FimTemplate['layout'] {
  return (prefix, suffix, control) => [control(pre), prefix, control(suf), suffix, control(mid)];
}

export const FIM_TEMPLATES: Record<FimFamily, FimTemplate> = {
  'qwen2.5-coder': {
    family: 'qwen2.5-coder',
    layout: psm('<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>'),
    markers: ['<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>'],
    stops: ['<|endoftext|>', '<|fim_pad|>', '<|repo_name|>', '<|file_sep|>', '<|im_start|>', '<|im_end|>'],
    fileSeparator: '<|file_sep|>',
  },
  starcoder2: {
    family: 'starcoder2',
    layout: psm('<fim_prefix>', '<fim_suffix>', '<fim_middle>'),
    markers: ['<fim_prefix>', '<fim_suffix>', '<fim_middle>'],
    stops: ['<|endoftext|>', '<file_sep>', '<fim_pad>', '<repo_name>'],
    fileSeparator: '<file_sep>',
  },
  'deepseek-coder': {
    family: 'deepseek-coder',
    layout: psm('<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>'),
    markers: ['<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>'],
    stops: ['<｜end▁of▁sentence｜>', '<|EOT|>', '<|end_of_sentence|>'],
  },
  codestral: {
    family: 'codestral',
    // Mistral's FIM order: the suffix first, then the prefix the answer continues
    layout: (prefix, suffix, control) => [control('[SUFFIX]'), suffix, control('[PREFIX]'), prefix],
    markers: ['[PREFIX]', '[SUFFIX]', '[MIDDLE]'],
    stops: ['</s>', '[INST]', '[/INST]'],
  },
  codellama: {
    family: 'codellama',
    layout: (prefix, suffix, control, text) => [
      control('<PRE>'),
      text(' '),
      prefix,
      text(' '),
      control('<SUF>'),
      suffix,
      text(' '),
      control('<MID>'),
    ],
    markers: ['<PRE>', '<SUF>', '<MID>'],
    stops: ['<EOT>', '</s>'],
  },
};

const FAMILY_NAMES: Array<[FimFamily, RegExp]> = [
  ['qwen2.5-coder', /qwen[\w.-]*coder/i],
  ['starcoder2', /star[-_]?coder|santacoder/i],
  ['deepseek-coder', /deepseek[\w.-]*coder/i],
  ['codestral', /codestral/i],
  ['codellama', /code[-_]?llama/i],
];

/**
 * The family of a model: from its vocabulary (`hasToken` answers whether a token's text exists) when given, else
 * from its name (model id, GGUF general.name or file name). Null: no known FIM template (chat hole-filling).
 */
export function detectFamily(input: {
  names: readonly string[];
  hasToken?: (text: string) => boolean;
}): FimFamily | null {
  if (input.hasToken) {
    for (const template of Object.values(FIM_TEMPLATES)) {
      if (template.markers.slice(0, 2).every((marker) => input.hasToken?.(marker))) return template.family;
    }
  }
  for (const name of input.names) {
    // a name is bounded before a regex sees it (these have no nested quantifiers; bounded anyway)
    const bounded = name.slice(0, 512);
    for (const [family, pattern] of FAMILY_NAMES) if (pattern.test(bounded)) return family;
  }
  return null;
}

/** Every string that ends a suggestion, whatever the family: end-of-text tokens and all FIM control tokens. */
export const ALL_STOPS: readonly string[] = [
  ...new Set(Object.values(FIM_TEMPLATES).flatMap((template) => [...template.markers, ...template.stops])),
  '<|fim_pad|>',
  '<|end|>',
  '<|eot_id|>',
  '<end_of_turn>',
];

/** Extra code chunks written as the comment-free text before the prefix: a path line, then the text. */
export function contextText(chunks: readonly InfillChunk[], fileSeparator?: string): string {
  return chunks
    .map((chunk) =>
      fileSeparator
        ? `${fileSeparator}${chunk.path ?? 'snippet'}\n${chunk.text}\n`
        : `${chunk.path ? `${chunk.path}:\n` : ''}${chunk.text}\n\n`,
    )
    .join('');
}

/** Characters per token assumed when no tokenizer is at hand (remote providers). */
export const CHARS_PER_TOKEN = 4;

export interface PromptBudget {
  prefixTokens: number;
  suffixTokens: number;
  contextTokens: number;
}

/**
 * How many tokens of prefix, suffix and extra context fit a window of `windowTokens` that must also hold the
 * answer: the suffix and the context get an eighth each at most, the prefix the rest.
 */
export function budgetOf(windowTokens: number, maxTokens: number): PromptBudget {
  const room = Math.max(64, windowTokens - maxTokens - 16);
  const suffixTokens = Math.floor(room / 8);
  const contextTokens = Math.floor(room / 8);
  return { prefixTokens: room - suffixTokens - contextTokens, suffixTokens, contextTokens };
}

/**
 * Code as a remote model's prompt text: each control-token spelling in it (a hostile file's `<|fim_middle|>`) gets
 * a zero-width space after its first character, so a server that parses special tokens in text sees plain text.
 */
export function defang(text: string): string {
  let out = text;
  for (const token of ALL_STOPS) {
    if (token.length > 1 && out.includes(token)) out = out.split(token).join(`${token[0]}\u200b${token.slice(1)}`);
  }
  return out;
}

/**
 * The prefix's end and the suffix's start that fit `budget` (by characters, CHARS_PER_TOKEN a token), and the
 * chunks that fit, all defanged (see defang).
 */
export function clipByChars(
  prefix: string,
  suffix: string,
  chunks: readonly InfillChunk[],
  budget: PromptBudget,
): { prefix: string; suffix: string; chunks: InfillChunk[] } {
  const keptChunks: InfillChunk[] = [];
  let room = budget.contextTokens * CHARS_PER_TOKEN;
  for (const chunk of chunks) {
    if (chunk.text.length > room) break;
    keptChunks.push({
      ...chunk,
      text: defang(chunk.text),
      ...(chunk.path !== undefined ? { path: defang(chunk.path) } : {}),
    });
    room -= chunk.text.length;
  }
  return {
    prefix: defang(prefix.slice(Math.max(0, prefix.length - budget.prefixTokens * CHARS_PER_TOKEN))),
    suffix: defang(suffix.slice(0, budget.suffixTokens * CHARS_PER_TOKEN)),
    chunks: keptChunks,
  };
}

/** A chat prompt that asks a model without FIM for the code at the hole. */
export function holeFillingTurns(input: {
  prefix: string;
  suffix: string;
  path?: string;
  language?: string;
  context: string;
}): ChatTurn[] {
  const where = [input.path ? `File: ${input.path}` : '', input.language ? `Language: ${input.language}` : '']
    .filter(Boolean)
    .join('\n');
  return [
    {
      role: 'system',
      content:
        'You are a code completion engine. You get a file with a hole marked <HOLE>. Reply with exactly the code ' +
        'that replaces <HOLE> so the file reads correctly: no explanation, no Markdown fence, nothing before or ' +
        'after. Do not repeat code that comes after the hole. Reply with nothing if nothing fits.',
    },
    {
      role: 'user',
      content: `${input.context ? `Other code for reference:\n${input.context}\n` : ''}${where ? `${where}\n` : ''}\n${input.prefix}<HOLE>${input.suffix}`,
    },
  ];
}

/** A chat model's answer to the hole-filling prompt without the Markdown fence it may still add. */
export function unfence(text: string): string {
  if (!text.startsWith('```')) return text;
  const firstBreak = text.indexOf('\n');
  if (firstBreak < 0) return '';
  const body = text.slice(firstBreak + 1);
  const close = body.lastIndexOf('```');
  return close >= 0 ? body.slice(0, close).replace(/\n$/, '') : body;
}
