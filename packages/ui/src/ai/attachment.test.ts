import { describe, expect, it } from 'vitest';
import { splitAttachment, withAttachment } from './attachment';

describe('chat attachments', () => {
  it('reads back the question and the attached selection it was written with', () => {
    const attachment = {
      path: 'src/greet.ts',
      language: 'typescript',
      text: 'const a = 1;\nconst b = 2;',
      lines: { from: 3, to: 4 },
    };
    const content = withAttachment('What does this do?', attachment);
    expect(content).toContain('Context from src/greet.ts (lines 3-4):\n```typescript\n');
    expect(splitAttachment(content)).toEqual({ question: 'What does this do?', attachment });
  });

  it('keeps a file holding its own fences whole, with a longer fence around it', () => {
    const text = 'Intro\n```js\nx()\n```\nmore\n````\nend';
    const attachment = { path: 'README.md', language: 'markdown', text, lines: null };
    const content = withAttachment('Summarise', attachment);
    expect(content).toContain('\n`````markdown\n');
    expect(splitAttachment(content)).toEqual({ question: 'Summarise', attachment });
  });

  it('leaves a message without an attachment as it is, even one that quotes the words', () => {
    const content = 'Explain "Context from x.ts:" please\n```ts\ncode\n```';
    expect(splitAttachment(content)).toEqual({ question: content, attachment: null });
  });
});
