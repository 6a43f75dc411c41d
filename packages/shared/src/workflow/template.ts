// Prompt/argument templates: `{{ inputs.spec }}`, `{{ steps.plan.output }}`, `{{ file inputs.path }}` (a workspace
// file's text). Parsed up front so a broken template is a validation error, rendered by the engine.
import { type Expr, ExpressionError, evaluateExpression, parseExpression } from './expression.js';

export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'value'; expr: Expr }
  | { kind: 'file'; expr: Expr };

export function parseTemplate(source: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let at = 0;
  while (at < source.length) {
    const open = source.indexOf('{{', at);
    if (open < 0) break;
    if (open > at) parts.push({ kind: 'text', text: source.slice(at, open) });
    const close = source.indexOf('}}', open + 2);
    if (close < 0) throw new ExpressionError('"{{" without a closing "}}"', open);
    const inner = source.slice(open + 2, close).trim();
    try {
      const file = /^file\s+(.+)$/s.exec(inner);
      parts.push(
        file
          ? { kind: 'file', expr: parseExpression(file[1] as string) }
          : { kind: 'value', expr: parseExpression(inner) },
      );
    } catch (error) {
      if (error instanceof ExpressionError) throw new ExpressionError(`in "{{ ${inner} }}": ${error.message}`, open);
      throw error;
    }
    at = close + 2;
  }
  if (at < source.length) parts.push({ kind: 'text', text: source.slice(at) });
  return parts;
}

/** Renders a template; objects become JSON, missing values become empty text. */
export async function renderTemplate(
  source: string,
  scope: unknown,
  readFile: (path: string) => Promise<string>,
): Promise<string> {
  let out = '';
  for (const part of parseTemplate(source)) {
    if (part.kind === 'text') out += part.text;
    else if (part.kind === 'value') out += stringify(evaluateExpression(part.expr, scope));
    else out += await readFile(stringify(evaluateExpression(part.expr, scope)));
  }
  return out;
}

/** A template that is exactly one `{{ expr }}` keeps its value's type (a list stays a list for `args`). */
export function renderValue(source: string, scope: unknown): unknown {
  const parts = parseTemplate(source);
  if (parts.length === 1 && parts[0]?.kind === 'value') return evaluateExpression(parts[0].expr, scope);
  return undefined;
}

export function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value, null, 2);
}
