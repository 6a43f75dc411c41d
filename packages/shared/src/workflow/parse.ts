// Reads a workflow YAML file into a checked definition, or into issues that name the exact line and column
// (the `yaml` package keeps every node's source range; a LineCounter turns offsets into lines).
import { isAlias, isCollection, isMap, isNode, isPair, isScalar, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { errorMessage } from '../lifecycle.js';
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

/** A workflow file is a page or two of YAML; a bigger one is refused before it is parsed. */
export const MAX_WORKFLOW_BYTES = 256 * 1024;
/** How deep maps and lists may nest in a workflow file (a real one stays under 20). */
export const MAX_DOCUMENT_DEPTH = 64;
/** `*alias` expansions allowed while building the value (the `yaml` default is 100; a workflow needs few). */
const MAX_ALIAS_COUNT = 50;

/**
 * Reads one workflow file. Whatever the text holds (deep nesting, alias bombs, huge expressions), the answer is a
 * definition or issues with a line and column, never an exception: one bad file must not break the list.
 */
export function parseWorkflowYaml(text: string): ParsedWorkflow {
  const refuse = (line: number, column: number, message: string): ParsedWorkflow => ({
    ok: false,
    issues: [{ line, column, path: '', message }],
  });
  if (text.length > MAX_WORKFLOW_BYTES)
    return refuse(1, 1, `the file is larger than ${MAX_WORKFLOW_BYTES / 1024} KiB; a workflow is a page or two`);
  const deep = flowDepthBeyond(text, MAX_DOCUMENT_DEPTH);
  if (deep !== null) {
    const before = text.slice(0, deep);
    const line = before.split('\n').length;
    return refuse(
      line,
      deep - before.lastIndexOf('\n'),
      `lists and maps nest deeper than ${MAX_DOCUMENT_DEPTH} levels`,
    );
  }
  const lineCounter = new LineCounter();
  const at = (offset: number) => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  try {
    const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    return checkDocument(doc, at);
  } catch (error) {
    // the parser's own guards should have caught it; say so rather than let the caller crash
    return refuse(1, 1, `the file could not be read: ${firstLine(errorMessage(error))}`);
  }
}

function checkDocument(
  doc: ReturnType<typeof parseDocument>,
  at: (offset: number) => { line: number; column: number },
): ParsedWorkflow {
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((error) => ({ ...at(error.pos[0]), path: '', message: firstLine(error.message) })),
    };
  }
  const tooDeep = nodeDeeperThan(doc.contents, MAX_DOCUMENT_DEPTH);
  if (tooDeep !== null) {
    return {
      ok: false,
      issues: [{ ...at(tooDeep), path: '', message: `lists and maps nest deeper than ${MAX_DOCUMENT_DEPTH} levels` }],
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const alias = firstAlias(doc.contents);
    return {
      ok: false,
      issues: [
        {
          ...at(alias ?? 0),
          path: '',
          message: `aliases expand too much (over ${MAX_ALIAS_COUNT} copies); write the values out instead`,
        },
      ],
    };
  }
  const result = WorkflowDefinition.safeParse(value);
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

/**
 * The offset where `[`/`{` brackets first nest deeper than `limit`, or null. A cheap linear scan (quoted text and
 * comments skipped, a quote ends at the line's end at the latest) so a file of 100 000 brackets is refused before the parser spends a second on it.
 */
function flowDepthBeyond(text: string, limit: number): number | null {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      // a stray apostrophe ("don't") must not hide the rest of the file from the scan
      if (ch === quote || ch === '\n') quote = null;
      else if (ch === '\\' && quote === '"') i += 1;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1] as string))) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (ch === '[' || ch === '{') {
      depth += 1;
      if (depth > limit) return i;
    } else if ((ch === ']' || ch === '}') && depth > 0) depth -= 1;
  }
  return null;
}

/** The start of the first node nested deeper than `limit` (block style included), walked without recursion. */
function nodeDeeperThan(root: unknown, limit: number): number | null {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (!isCollection(node)) continue;
    if (depth > limit) return node.range?.[0] ?? 0;
    for (const item of node.items) {
      if (isPair(item)) stack.push({ node: item.value, depth: depth + 1 });
      else stack.push({ node: item, depth: depth + 1 });
    }
  }
  return null;
}

function firstAlias(root: unknown): number | null {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) return node.range?.[0] ?? null;
    if (isCollection(node)) for (const item of [...node.items].reverse()) stack.push(isPair(item) ? item.value : item);
  }
  return null;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
