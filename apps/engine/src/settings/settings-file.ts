// Reading and editing settings.json / keybindings.json as VS Code does (JSON with comments and trailing commas,
// jsonc-parser), refusing before parsing what is too big or nested too deep, so a hostile file costs one bounded scan.

import { KeybindingEntry, MAX_SETTINGS_BYTES, MAX_SETTINGS_DEPTH, type SettingProblem } from '@pa/shared';
import {
  applyEdits,
  createScanner,
  getNodeValue,
  modify,
  type Node,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser';

export interface ParsedSettingsText {
  /** The top-level object's members (null when the text is refused, does not parse, or is not an object). */
  object: Record<string, unknown> | null;
  problems: SettingProblem[];
  /** The 1-based line a top-level key is on. */
  lineOf(key: string): number | undefined;
}

export interface ParsedKeybindingsText {
  entries: KeybindingEntry[];
  problems: SettingProblem[];
}

// jsonc-parser's SyntaxKind is a const enum (not importable as a value under verbatimModuleSyntax)
const OPEN_BRACE = 1;
const CLOSE_BRACE = 2;
const OPEN_BRACKET = 3;
const CLOSE_BRACKET = 4;
const EOF = 17;

const PARSE_OPTIONS = { allowTrailingComma: true, disallowComments: false, allowEmptyContent: true };

/** The deepest nesting of objects and arrays in `text`, counted by the scanner (no recursion, linear time). */
export function nestingDepth(text: string): number {
  const scanner = createScanner(text, true);
  let depth = 0;
  let deepest = 0;
  for (let token = scanner.scan(); token !== EOF; token = scanner.scan()) {
    if (token === OPEN_BRACE || token === OPEN_BRACKET) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (token === CLOSE_BRACE || token === CLOSE_BRACKET) {
      depth = Math.max(0, depth - 1);
    }
  }
  return deepest;
}

/** Why `text` is not parsed at all (too big, too deep), or null when it may be. */
export function refusal(text: string, bytes = Buffer.byteLength(text)): SettingProblem | null {
  if (bytes > MAX_SETTINGS_BYTES) {
    return {
      kind: 'too-large',
      key: '',
      message: `The file is ${bytes} bytes; settings files over ${MAX_SETTINGS_BYTES} bytes are not read.`,
    };
  }
  if (nestingDepth(text) > MAX_SETTINGS_DEPTH) {
    return {
      kind: 'too-large',
      key: '',
      message: `The file nests deeper than ${MAX_SETTINGS_DEPTH} levels; it is not read.`,
    };
  }
  return null;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function syntaxProblems(text: string, errors: ParseError[]): SettingProblem[] {
  return errors.slice(0, 20).map((error) => ({
    kind: 'syntax',
    key: '',
    message: `${printParseErrorCode(error.error)} at line ${lineAt(text, error.offset)}.`,
    line: lineAt(text, error.offset),
  }));
}

function parseChecked(text: string): { tree: Node | undefined; problems: SettingProblem[] } {
  const refused = refusal(text);
  if (refused) return { tree: undefined, problems: [refused] };
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, PARSE_OPTIONS);
  return { tree, problems: syntaxProblems(text, errors) };
}

export function parseSettingsText(text: string): ParsedSettingsText {
  const { tree, problems } = parseChecked(text);
  const lines = new Map<string, number>();
  const none = { object: null, problems, lineOf: () => undefined };
  if (problems.some((problem) => problem.kind === 'too-large')) return none;
  if (!tree) return text.trim() === '' ? { ...none, object: {} } : none;
  if (tree.type !== 'object') {
    return { ...none, problems: [...problems, { kind: 'syntax', key: '', message: 'The file is not a JSON object.' }] };
  }
  const object: Record<string, unknown> = {};
  for (const property of tree.children ?? []) {
    const [keyNode, valueNode] = property.children ?? [];
    if (!keyNode || !valueNode || typeof keyNode.value !== 'string') continue;
    // a key named __proto__ stays an own key, never the object's prototype
    Object.defineProperty(object, keyNode.value, {
      value: getNodeValue(valueNode),
      enumerable: true,
      configurable: true,
      writable: true,
    });
    lines.set(keyNode.value, lineAt(text, keyNode.offset));
  }
  return { object, problems, lineOf: (key) => lines.get(key) };
}

export function parseKeybindingsText(text: string): ParsedKeybindingsText {
  const { tree, problems } = parseChecked(text);
  if (!tree) return { entries: [], problems };
  if (tree.type !== 'array') {
    return {
      entries: [],
      problems: [...problems, { kind: 'syntax', key: '', message: 'The file is not a JSON array.' }],
    };
  }
  const entries: KeybindingEntry[] = [];
  for (const node of tree.children ?? []) {
    const parsed = KeybindingEntry.safeParse(getNodeValue(node));
    if (parsed.success) {
      const { key, command, when } = parsed.data;
      entries.push(when === undefined ? { key, command } : { key, command, when });
    } else
      problems.push({
        kind: 'invalid',
        key: '',
        message: 'A keybinding needs a "key" and a "command" string.',
        line: lineAt(text, node.offset),
      });
  }
  return { entries, problems };
}

/** `text` with `key` set to `value` (or removed when undefined), keeping the rest of the file and its comments. */
export function withSetting(text: string, key: string, value: unknown): string {
  const edits = modify(text.trim() === '' ? '{}' : text, [key], value, {
    formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' },
  });
  const base = text.trim() === '' ? '{}' : text;
  const next = applyEdits(base, edits);
  return next.endsWith('\n') ? next : `${next}\n`;
}
