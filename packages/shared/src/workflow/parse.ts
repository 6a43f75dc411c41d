// Reads a workflow YAML file into a checked definition, or into issues that name the exact line and column
// (the `yaml` package keeps every node's source range; a LineCounter turns offsets into lines).
import { isMap, isNode, isScalar, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { WorkflowDefinition } from './definition.js';

export interface WorkflowIssue {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Where in the document, e.g. "steps.2.run.timeout". */
  path: string;
  message: string;
}

export type ParsedWorkflow = { ok: true; definition: WorkflowDefinition } | { ok: false; issues: WorkflowIssue[] };

export function parseWorkflowYaml(text: string): ParsedWorkflow {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((error) => ({ ...at(error.pos[0]), path: '', message: firstLine(error.message) })),
    };
  }
  const result = WorkflowDefinition.safeParse(doc.toJS());
  if (result.success) return { ok: true, definition: result.data };
  const issues = result.error.issues.map((issue) => {
    const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
    return { ...at(offsetOf(doc.contents, path, issue)), path: path.join('.'), message: describe(issue) };
  });
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  return { ok: false, issues };
}

/** The start of the node an issue is about: the offending key for an unknown key, else the deepest node found. */
function offsetOf(root: unknown, path: Array<string | number>, issue: z.core.$ZodIssue): number {
  let node: unknown = root;
  let best = isNode(root) ? (root.range?.[0] ?? 0) : 0;
  for (const segment of path) {
    const next = childOf(node, segment);
    if (next === undefined) break;
    node = next.value ?? next.key;
    const start = (isNode(node) ? node.range?.[0] : undefined) ?? (isNode(next.key) ? next.key.range?.[0] : undefined);
    if (start !== undefined) best = start;
  }
  if (issue.code === 'unrecognized_keys' && isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && issue.keys.includes(String(item.key.value)));
    if (pair && isNode(pair.key) && pair.key.range) return pair.key.range[0];
  }
  return best;
}

function childOf(node: unknown, segment: string | number): { key: unknown; value: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
    return pair ? { key: pair.key, value: pair.value } : undefined;
  }
  if (
    isNode(node) &&
    'items' in node &&
    Array.isArray((node as { items: unknown }).items) &&
    typeof segment === 'number'
  ) {
    const value = (node as { items: Node[] }).items[segment];
    return value === undefined ? undefined : { key: undefined, value };
  }
  return undefined;
}

function describe(issue: z.core.$ZodIssue): string {
  const field = issue.path.length > 0 ? `"${String(issue.path[issue.path.length - 1])}"` : 'the workflow';
  switch (issue.code) {
    case 'invalid_type':
      // zod does not keep the input by default; its message says when the value was missing
      return /received undefined$/.test(issue.message) ? `${field} is required` : `${field}: ${issue.message}`;
    case 'custom':
      return issue.message;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
    case 'invalid_value':
      return `${field} must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    default:
      return `${field}: ${issue.message}`;
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
