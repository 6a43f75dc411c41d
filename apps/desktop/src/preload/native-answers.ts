// Checks what main answers to the native pickers before it reaches the page (the IPC payload is untyped).
import type { PaBridge } from '@pa/shared';

export function parsePickedFolder(answer: unknown): string | null {
  return typeof answer === 'string' && answer.length > 0 ? answer : null;
}

export function parsePickedFile(answer: unknown): Awaited<ReturnType<PaBridge['pickTextFile']>> {
  if (typeof answer !== 'object' || answer === null) return null;
  const { path, text } = answer as { path?: unknown; text?: unknown };
  return typeof path === 'string' && typeof text === 'string' ? { path, text } : null;
}
