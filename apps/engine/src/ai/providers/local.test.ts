// The local provider's function calling through node-llama-cpp's own chat wrappers: which templates are offered
// tools natively, the tool rounds as the wrapper writes them in the template's call syntax, the schemas a grammar can
// take. (With the tiny GGUF and a real LlamaChat: tests/integration/ai-local-functions.test.ts.)
import {
  ChatMLChatWrapper,
  type ChatWrapperGenerateContextStateOptions,
  FunctionaryChatWrapper,
  GeneralChatWrapper,
  JinjaTemplateChatWrapper,
  Llama2ChatWrapper,
  Llama3_1ChatWrapper,
  Llama3ChatWrapper,
  MistralChatWrapper,
  QwenChatWrapper,
} from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { chatHistoryOf, functionsOf, grammarSchemaOf, nativeFunctionCalling } from './local.js';
import type { ToolSpec } from './provider.js';

const READ_FILE: ToolSpec = {
  name: 'read_file',
  description: 'Read a file',
  parameters: {
    type: 'object',
    properties: { path: { type: 'string' }, startLine: { type: 'integer' } },
    required: ['path'],
  },
};

/** A ChatML-style Jinja template with (or without) a tool-call block, as GGUF files carry them. */
function jinjaTemplate(tools: boolean): string {
  const toolPart = tools
    ? `{%- if message.tool_calls %}{%- for tool_call in message.tool_calls %}<tool_call>\n{"name": "{{ tool_call.function.name }}", "arguments": {{ tool_call.function.arguments | tojson }}}\n</tool_call>{%- endfor %}{%- endif %}`
    : '';
  const toolResult = tools
    ? `{%- elif message.role == "tool" %}<|im_start|>user\n<tool_response>\n{{ message.content }}\n</tool_response><|im_end|>\n`
    : '';
  return [
    tools
      ? `{%- if tools %}<|im_start|>system\n# Tools\n<tools>{%- for tool in tools %}{{ tool | tojson }}{%- endfor %}</tools><|im_end|>\n{%- endif %}`
      : '',
    '{%- for message in messages %}',
    `{%- if message.role == "user" or message.role == "system" %}<|im_start|>{{ message.role }}\n{{ message.content }}<|im_end|>\n`,
    `{%- elif message.role == "assistant" %}<|im_start|>assistant\n{{ message.content }}${toolPart}<|im_end|>\n`,
    toolResult,
    '{%- endif %}{%- endfor %}',
    '{%- if add_generation_prompt %}<|im_start|>assistant\n{%- endif %}',
  ].join('');
}

describe('which chat templates call functions natively', () => {
  it('takes the wrappers with a call syntax of their own', () => {
    expect(nativeFunctionCalling(new QwenChatWrapper())).toBe(true);
    expect(nativeFunctionCalling(new Llama3_1ChatWrapper())).toBe(true);
    expect(nativeFunctionCalling(new FunctionaryChatWrapper())).toBe(true);
    expect(nativeFunctionCalling(new MistralChatWrapper())).toBe(true);
  });

  it('gives the text protocol to wrappers with only the generic `||call:` syntax', () => {
    expect(nativeFunctionCalling(new GeneralChatWrapper())).toBe(false);
    expect(nativeFunctionCalling(new ChatMLChatWrapper())).toBe(false);
    expect(nativeFunctionCalling(new Llama2ChatWrapper())).toBe(false);
    expect(nativeFunctionCalling(new Llama3ChatWrapper())).toBe(false);
  });

  it('follows a Jinja template: native when node-llama-cpp finds its tool-call syntax, else not', () => {
    const withTools = new JinjaTemplateChatWrapper({ template: jinjaTemplate(true) });
    const without = new JinjaTemplateChatWrapper({ template: jinjaTemplate(false) });
    expect(withTools.usingJinjaFunctionCallTemplate).toBe(true);
    expect(nativeFunctionCalling(withTools)).toBe(true);
    expect(nativeFunctionCalling(without)).toBe(false);
  });
});

describe('the tool rounds in the template', () => {
  const messages = [
    { role: 'system' as const, content: 'You are a coding agent.' },
    { role: 'user' as const, content: 'Fix multiply.' },
  ];
  const rounds = [
    {
      text: 'Reading it.',
      calls: [
        {
          id: 'call_1',
          name: 'read_file',
          arguments: '{"path":"src/math.js"}',
          result: '1\texport const multiply = (a, b) => a + b;',
          isError: false,
        },
      ],
    },
  ];
  const rendered = (wrapper: QwenChatWrapper | Llama3_1ChatWrapper, options: ChatWrapperGenerateContextStateOptions) =>
    wrapper.generateContextState(options).contextText.toString();

  it("writes each call and its result in Qwen's <tool_call> / <tool_response> syntax, and the tools in its prompt", () => {
    const history = chatHistoryOf(messages, rounds);
    expect(history.at(-1)).toMatchObject({ type: 'model' });
    const text = rendered(new QwenChatWrapper(), {
      chatHistory: history,
      availableFunctions: functionsOf([READ_FILE]),
      documentFunctionParams: true,
    });
    expect(text).toContain('read_file');
    expect(text).toMatch(/<tool_call>[\s\S]*"name":\s*"read_file"[\s\S]*"path":\s*"src\/math\.js"[\s\S]*<\/tool_call>/);
    expect(text).toMatch(/<tool_response>[\s\S]*a \+ b[\s\S]*<\/tool_response>/);
    expect(text.indexOf('Reading it.')).toBeLessThan(text.lastIndexOf('<tool_call>'));
  });

  it("writes them in Llama 3.1's syntax too, and keeps them when the last round offers no tools", () => {
    const text = rendered(new Llama3_1ChatWrapper(), { chatHistory: chatHistoryOf(messages, rounds) });
    expect(text).toContain('<function=read_file>');
    expect(text).toContain('a + b');
  });

  it('starts an empty answer when there are no rounds (a user turn first when the conversation does not end with one)', () => {
    expect(chatHistoryOf(messages, []).slice(-2)).toEqual([
      { type: 'user', text: 'Fix multiply.' },
      { type: 'model', response: [] },
    ]);
    expect(chatHistoryOf([{ role: 'assistant', content: 'Hi' }], []).map((item) => item.type)).toEqual([
      'model',
      'user',
      'model',
    ]);
  });
});

describe('tool schemas for the grammar', () => {
  it('keeps what a grammar takes and loosens the rest instead of failing', () => {
    expect(grammarSchemaOf(READ_FILE.parameters)).toEqual({
      type: 'object',
      properties: { path: { type: 'string' }, startLine: { type: 'integer' } },
      required: ['path'],
    });
    expect(
      grammarSchemaOf({
        type: 'object',
        $schema: 'http://json-schema.org/draft-07/schema#',
        additionalProperties: false,
        properties: {
          mode: { enum: ['a', 'b'] },
          tags: { type: 'array', items: { type: 'string', maxLength: 20, pattern: '^x' } },
          ref: { $ref: '#/definitions/x' },
          either: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        },
        required: ['mode', 'missing'],
      }),
    ).toEqual({
      type: 'object',
      properties: {
        mode: { enum: ['a', 'b'] },
        tags: { type: 'array', items: { type: 'string', maxLength: 20 } },
        ref: { type: ['string', 'number', 'boolean', 'null'] },
        either: { oneOf: [{ type: 'string' }, { type: 'null' }] },
      },
      required: ['mode'],
    });
    // an MCP tool with no properties takes any object
    expect(grammarSchemaOf({ type: 'object' })).toEqual({ type: 'object', additionalProperties: true });
    expect(grammarSchemaOf('nonsense')).toEqual({ type: ['string', 'number', 'boolean', 'null'] });
  });
});
