// How ai.complete and ai.edit become chat turns: instructions that make a model answer with code only.
import type { ChatTurn } from '@pa/shared';

export function completionTurns(prompt: string): ChatTurn[] {
  return [
    { role: 'system', content: 'Continue the given text or code. Reply with the continuation only, no commentary.' },
    { role: 'user', content: prompt },
  ];
}

export function editTurns(edit: { instruction: string; code: string; path?: string; language?: string }): ChatTurn[] {
  const where = edit.path ? ` from ${edit.path}${edit.language ? ` (${edit.language})` : ''}` : '';
  return [
    {
      role: 'system',
      content:
        'You rewrite code as instructed. Reply with the complete rewritten code only: no explanation, no Markdown fences.',
    },
    { role: 'user', content: `Instruction: ${edit.instruction}\n\nCode${where}:\n${edit.code}` },
  ];
}

/** Models often wrap code in a Markdown fence anyway; the edit view wants the code alone. */
export function stripCodeFence(text: string): string {
  const match = /^\s*```[^\n]*\n([\s\S]*?)\n?```\s*$/.exec(text);
  return match ? (match[1] as string) : text;
}
