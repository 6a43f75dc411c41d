// `when` clauses of keybindings.json, the honest subset: the context keys the workbench can really tell from the
// focused element (editorTextFocus, editorFocus, terminalFocus, inputFocus, textInputFocus), editorLangId, the
// platform (isMac, isLinux, isWindows, isWeb), with `!`, `&&`, `||`, parentheses and `==` / `!=` against a word or a
// quoted string. Anything else (regex `=~`, `in`, comparisons, other keys) is refused with a reason, so the entry is
// reported instead of silently firing everywhere or nowhere. One pass over at most MAX_WHEN_LENGTH characters.

export const WHEN_KEYS = [
  'editorTextFocus',
  'editorFocus',
  'terminalFocus',
  'inputFocus',
  'textInputFocus',
  'editorLangId',
  'isMac',
  'isLinux',
  'isWindows',
  'isWeb',
] as const;
export type WhenKey = (typeof WHEN_KEYS)[number];

export type WhenContext = Record<Exclude<WhenKey, 'editorLangId'>, boolean> & { editorLangId: string | null };

export type WhenExpr =
  | { kind: 'key'; key: WhenKey }
  | { kind: 'const'; value: boolean }
  | { kind: 'equals'; key: WhenKey; value: string; negate: boolean }
  | { kind: 'not'; operand: WhenExpr }
  | { kind: 'and' | 'or'; operands: WhenExpr[] };

export const MAX_WHEN_LENGTH = 1000;
const MAX_DEPTH = 16;
const KNOWN = new Set<string>(WHEN_KEYS);

type Token = { kind: 'word' | 'string' | 'op'; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      index++;
      continue;
    }
    const two = text.slice(index, index + 2);
    if (two === '&&' || two === '||' || two === '==' || two === '!=' || two === '=~' || two === '<=' || two === '>=') {
      tokens.push({ kind: 'op', text: two });
      index += 2;
      continue;
    }
    if (char === '!' || char === '(' || char === ')' || char === '<' || char === '>') {
      tokens.push({ kind: 'op', text: char });
      index++;
      continue;
    }
    if (char === "'" || char === '"') {
      const end = text.indexOf(char, index + 1);
      if (end < 0) throw new Error('a quoted string is not closed');
      tokens.push({ kind: 'string', text: text.slice(index + 1, end) });
      index = end + 1;
      continue;
    }
    let end = index;
    while (end < text.length && /[A-Za-z0-9_.:\-/]/.test(text[end] as string)) end++;
    if (end === index) throw new Error(`"${char}" is not understood`);
    tokens.push({ kind: 'word', text: text.slice(index, end) });
    index = end;
  }
  return tokens;
}

/** Parses a `when` clause; throws an Error saying what is not supported. */
export function parseWhen(text: string): WhenExpr {
  if (text.length > MAX_WHEN_LENGTH) throw new Error(`the clause is longer than ${MAX_WHEN_LENGTH} characters`);
  const tokens = tokenize(text);
  let position = 0;
  const peek = () => tokens[position];
  const take = () => tokens[position++];

  const key = (word: string): WhenKey => {
    if (!KNOWN.has(word)) throw new Error(`the context key "${word.slice(0, 60)}" is not supported`);
    return word as WhenKey;
  };

  function primary(depth: number): WhenExpr {
    if (depth > MAX_DEPTH) throw new Error('the clause is nested too deeply');
    const token = take();
    if (!token) throw new Error('the clause ends too early');
    if (token.kind === 'op' && token.text === '(') {
      const inner = or(depth + 1);
      if (take()?.text !== ')') throw new Error('a parenthesis is not closed');
      return inner;
    }
    if (token.kind === 'op' && token.text === '!') return { kind: 'not', operand: primary(depth + 1) };
    if (token.kind !== 'word') throw new Error(`"${token.text}" is not expected here`);
    if (token.text === 'true' || token.text === 'false') return { kind: 'const', value: token.text === 'true' };
    const name = key(token.text);
    const next = peek();
    if (next?.kind === 'op' && (next.text === '==' || next.text === '!=')) {
      take();
      const value = take();
      if (!value || value.kind === 'op') throw new Error(`"${name} ${next.text}" needs a value`);
      return { kind: 'equals', key: name, value: value.text, negate: next.text === '!=' };
    }
    if (next?.kind === 'op' && ['=~', '<', '>', '<=', '>='].includes(next.text)) {
      throw new Error(`the operator "${next.text}" is not supported`);
    }
    if (next?.kind === 'word' && (next.text === 'in' || next.text === 'not')) {
      throw new Error(`the operator "${next.text}" is not supported`);
    }
    return { kind: 'key', key: name };
  }

  function and(depth: number): WhenExpr {
    if (depth > MAX_DEPTH) throw new Error('the clause is nested too deeply');
    const operands = [primary(depth)];
    while (peek()?.text === '&&') {
      take();
      operands.push(primary(depth));
    }
    return operands.length === 1 ? (operands[0] as WhenExpr) : { kind: 'and', operands };
  }

  function or(depth: number): WhenExpr {
    if (depth > MAX_DEPTH) throw new Error('the clause is nested too deeply');
    const operands = [and(depth)];
    while (peek()?.text === '||') {
      take();
      operands.push(and(depth));
    }
    return operands.length === 1 ? (operands[0] as WhenExpr) : { kind: 'or', operands };
  }

  if (tokens.length === 0) throw new Error('the clause is empty');
  const expression = or(0);
  const rest = peek();
  if (rest) throw new Error(`"${rest.text.slice(0, 60)}" is not expected here`);
  return expression;
}

export function evaluateWhen(expression: WhenExpr, context: WhenContext): boolean {
  switch (expression.kind) {
    case 'const':
      return expression.value;
    case 'key': {
      const value = context[expression.key];
      return typeof value === 'string' ? value !== '' : value === true;
    }
    case 'equals': {
      const value = context[expression.key];
      const equal = String(value ?? '') === expression.value;
      return expression.negate ? !equal : equal;
    }
    case 'not':
      return !evaluateWhen(expression.operand, context);
    case 'and':
      return expression.operands.every((operand) => evaluateWhen(operand, context));
    case 'or':
      return expression.operands.some((operand) => evaluateWhen(operand, context));
  }
}

/** A clause spelled without spaces, for telling whether a removal names a default's clause. */
export function normalizeWhen(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, '');
}

/** What the workbench can tell of the focused element (and the focused editor's language). */
export function whenContextOf(
  active: Element | null,
  platform: { isMac: boolean; isWindows: boolean; isWeb: boolean },
  editorLangId: string | null,
): WhenContext {
  const inEditor = active?.closest('.monaco-editor') ?? null;
  const isInput =
    active !== null &&
    (active.tagName === 'INPUT' ||
      active.tagName === 'TEXTAREA' ||
      (active as Partial<HTMLElement>).isContentEditable === true);
  const editorTextFocus =
    inEditor !== null && active?.tagName === 'TEXTAREA' && active.closest('.find-widget') === null;
  return {
    editorTextFocus,
    editorFocus: inEditor !== null,
    terminalFocus: active?.closest('.xterm') != null,
    inputFocus: isInput,
    textInputFocus: isInput,
    editorLangId: inEditor ? editorLangId : null,
    isMac: platform.isMac,
    isWindows: platform.isWindows,
    isLinux: !platform.isMac && !platform.isWindows,
    isWeb: platform.isWeb,
  };
}
