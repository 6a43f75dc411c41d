import { describe, expect, it } from 'vitest';
import {
  ALL_STOPS,
  budgetOf,
  clipByChars,
  contextText,
  defang,
  detectFamily,
  FIM_TEMPLATES,
  fimPrompt,
  unfence,
} from './fim.js';

describe('FIM family detection', () => {
  const vocabulary = (tokens: string[]) => (text: string) => tokens.includes(text);

  it('reads the family from the model’s own tokens first', () => {
    expect(
      detectFamily({ names: [], hasToken: vocabulary(['<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>']) }),
    ).toBe('qwen2.5-coder');
    expect(detectFamily({ names: [], hasToken: vocabulary(['<fim_prefix>', '<fim_suffix>', '<fim_middle>']) })).toBe(
      'starcoder2',
    );
    expect(
      detectFamily({ names: [], hasToken: vocabulary(['<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>']) }),
    ).toBe('deepseek-coder');
    expect(detectFamily({ names: [], hasToken: vocabulary(['[PREFIX]', '[SUFFIX]', '[MIDDLE]']) })).toBe('codestral');
    expect(detectFamily({ names: [], hasToken: vocabulary(['<PRE>', '<SUF>', '<MID>']) })).toBe('codellama');
    // tokens win over a misleading name
    expect(detectFamily({ names: ['codellama-7b'], hasToken: vocabulary(['<|fim_prefix|>', '<|fim_suffix|>']) })).toBe(
      'qwen2.5-coder',
    );
  });

  it('falls back to the model name, then to none (hole-filling)', () => {
    expect(detectFamily({ names: ['Qwen2.5-Coder-1.5B-Instruct-Q4_K_M.gguf'] })).toBe('qwen2.5-coder');
    expect(detectFamily({ names: ['bigcode/starcoder2-3b'] })).toBe('starcoder2');
    expect(detectFamily({ names: ['deepseek-coder-6.7b-base'] })).toBe('deepseek-coder');
    expect(detectFamily({ names: ['codestral-latest'] })).toBe('codestral');
    expect(detectFamily({ names: ['CodeLlama-13b'] })).toBe('codellama');
    expect(detectFamily({ names: ['llama-3.1-8b-instruct'], hasToken: vocabulary([]) })).toBeNull();
  });

  it('is quick on a hostile name', () => {
    const start = Date.now();
    expect(detectFamily({ names: [`qwen${'-'.repeat(100_000)}x`] })).toBeNull();
    expect(Date.now() - start).toBeLessThan(200);
  });
});

describe('FIM templates', () => {
  it('lays out prefix and suffix as each family was trained', () => {
    expect(fimPrompt(FIM_TEMPLATES['qwen2.5-coder'], 'a', 'b')).toBe('<|fim_prefix|>a<|fim_suffix|>b<|fim_middle|>');
    expect(fimPrompt(FIM_TEMPLATES.starcoder2, 'a', 'b')).toBe('<fim_prefix>a<fim_suffix>b<fim_middle>');
    expect(fimPrompt(FIM_TEMPLATES['deepseek-coder'], 'a', 'b')).toBe('<｜fim▁begin｜>a<｜fim▁hole｜>b<｜fim▁end｜>');
    expect(fimPrompt(FIM_TEMPLATES.codestral, 'a', 'b')).toBe('[SUFFIX]b[PREFIX]a');
    expect(fimPrompt(FIM_TEMPLATES.codellama, 'a', 'b')).toBe('<PRE> a <SUF>b <MID>');
  });

  it('stops at every family’s control and end tokens', () => {
    for (const template of Object.values(FIM_TEMPLATES)) {
      for (const token of [...template.markers, ...template.stops]) expect(ALL_STOPS).toContain(token);
    }
    expect(ALL_STOPS).toContain('<|endoftext|>');
    expect(ALL_STOPS).toContain('<EOT>');
  });

  it('writes context chunks with the family’s file separator or as plain text', () => {
    const chunks = [{ path: 'a.ts', text: 'const a = 1;' }];
    expect(contextText(chunks, '<|file_sep|>')).toBe('<|file_sep|>a.ts\nconst a = 1;\n');
    expect(contextText(chunks)).toBe('a.ts:\nconst a = 1;\n\n');
  });
});

describe('prompt budget', () => {
  it('splits the window less the answer: the prefix gets most, suffix and context an eighth each', () => {
    const budget = budgetOf(4096, 128);
    expect(budget.prefixTokens + budget.suffixTokens + budget.contextTokens).toBe(4096 - 128 - 16);
    expect(budget.suffixTokens).toBe(Math.floor((4096 - 144) / 8));
  });

  it('keeps the end of the prefix, the start of the suffix, and the chunks that fit', () => {
    const budget = { prefixTokens: 2, suffixTokens: 1, contextTokens: 3 };
    const clipped = clipByChars('0123456789', 'abcdefgh', [{ text: '12345678' }, { text: 'x'.repeat(20) }], budget);
    expect(clipped).toEqual({ prefix: '23456789', suffix: 'abcd', chunks: [{ text: '12345678' }] });
  });
});

describe('defang', () => {
  it('breaks every control-token spelling in code, and only those', () => {
    const hostile = 'a <|fim_middle|> b <fim_prefix> c [SUFFIX] d <｜fim▁end｜> e';
    const safe = defang(hostile);
    for (const token of ['<|fim_middle|>', '<fim_prefix>', '[SUFFIX]', '<｜fim▁end｜>'])
      expect(safe).not.toContain(token);
    expect(safe.replaceAll('\u200b', '')).toBe(hostile);
    expect(defang('const x = a < b && c > d;')).toBe('const x = a < b && c > d;');
  });

  it('is applied to everything clipByChars gives a remote prompt', () => {
    const clipped = clipByChars('<|fim_suffix|>', '</s>', [{ path: '<PRE>', text: '<EOT>' }], budgetOf(8192, 64));
    expect(JSON.stringify(clipped)).not.toMatch(/<\|fim_suffix\|>|<\/s>|<PRE>|<EOT>/);
  });
});

describe('unfence', () => {
  it('drops a Markdown fence a chat model wrapped its code in', () => {
    expect(unfence('```ts\nreturn 1;\n```')).toBe('return 1;');
    expect(unfence('return 1;')).toBe('return 1;');
  });
});
