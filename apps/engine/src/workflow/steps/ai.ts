// The `ai` step: renders the prompt, asks the router (tokens go to the step's log as they arrive) and shapes the
// answer as text, checked JSON or a unified diff.
import { ErrorCode, errorMessage, PaError } from '@pa/shared';
import type { AiStep } from '@pa/shared/workflow/index';
import type { AiService } from '../../ai/api.js';
import { extractDiff, parseDiff } from './edit.js';
import { StepFailure } from './failure.js';

export interface AiStepRequest {
  step: AiStep;
  prompt: string;
  system: string | undefined;
  actor: string;
  signal: AbortSignal;
  onToken(text: string): void;
}

const SYSTEM = {
  text: 'You are a careful senior software engineer helping inside a code editor. Be concise.',
  json: 'You are a careful senior software engineer. Answer with one JSON value only, no prose and no Markdown fences.',
  diff: 'You are a careful senior software engineer. Answer with a unified diff only (--- a/path, +++ b/path, @@ hunks with three lines of context), paths relative to the project root, no prose.',
} as const;

export async function runAiStep(ai: AiService, request: AiStepRequest) {
  const { step } = request;
  const result = await ai.generate({
    task: step.task,
    messages: [
      { role: 'system', content: request.system ?? SYSTEM[step.output] },
      { role: 'user', content: request.prompt },
    ],
    actor: request.actor,
    signal: request.signal,
    onToken: request.onToken,
    ...(step.maxTokens ? { maxTokens: step.maxTokens } : {}),
  });
  const meta = {
    providerId: result.providerId,
    model: result.model,
    tokensIn: result.tokensIn,
    tokensOut: result.tokensOut,
  };
  if (step.output === 'text') return { output: result.text, ...meta };
  try {
    if (step.output === 'diff') {
      const diff = extractDiff(result.text);
      parseDiff(diff);
      return { output: diff, ...meta };
    }
    const value = parseJsonAnswer(result.text);
    if (step.schema) {
      const problem = checkJsonSchema(value, step.schema, '$');
      if (problem)
        throw new PaError(ErrorCode.PROVIDER, `The model's JSON does not match the step's schema: ${problem}`);
    }
    return { output: value, ...meta };
  } catch (error) {
    // An answer the step cannot use: the step keeps it, so the user sees what the model returned, not only why not.
    const reason = errorMessage(error);
    throw new StepFailure(step.output === 'diff' ? `The model's answer is not a usable diff: ${reason}` : reason, {
      answer: result.text,
      ...meta,
    });
  }
}

function parseJsonAnswer(text: string): unknown {
  const fenced = /```(?:json)?\s*\n([\s\S]*?)```/.exec(text);
  const body = (fenced ? (fenced[1] as string) : text).trim();
  try {
    return JSON.parse(body);
  } catch {
    throw new PaError(ErrorCode.PROVIDER, 'The model was asked for JSON, but its answer is not JSON.');
  }
}

/**
 * The JSON Schema subset steps use (type, properties, required, items, enum); returns the first mismatch or null.
 * Enough to make a model's answer safe to read; not a general validator.
 */
export function checkJsonSchema(value: unknown, schema: Record<string, unknown>, at: string): string | null {
  const type = schema.type;
  if (typeof type === 'string' && !hasType(value, type)) return `${at} should be ${type}`;
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => option === value)) {
    return `${at} should be one of ${schema.enum.map((option) => JSON.stringify(option)).join(', ')}`;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const key of Array.isArray(schema.required) ? schema.required : []) {
      if (typeof key === 'string' && !(key in record)) return `${at}.${key} is missing`;
    }
    const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
    for (const [key, sub] of Object.entries(properties)) {
      if (key in record) {
        const problem = checkJsonSchema(record[key], sub, `${at}.${key}`);
        if (problem) return problem;
      }
    }
  }
  if (Array.isArray(value) && typeof schema.items === 'object' && schema.items !== null) {
    for (const [index, item] of value.entries()) {
      const problem = checkJsonSchema(item, schema.items as Record<string, unknown>, `${at}[${index}]`);
      if (problem) return problem;
    }
  }
  return null;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}
