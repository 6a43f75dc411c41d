// The tiny expression language of `if` and `until`: paths into earlier outputs, literals, comparisons, && || !.
// Parsed once (so a definition with a bad expression is refused with a precise reason) and evaluated without eval.

export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'path'; segments: Array<string | number> }
  | { kind: 'not'; operand: Expr }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr };

type BinaryOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';

type Token =
  | { type: 'num'; value: number }
  | { type: 'str'; value: string }
  | { type: 'ident'; value: string }
  | { type: 'op'; value: string };

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '.', '[', ']'];

/** Longer expressions are refused: a condition is a line, not a document (and parsing stays cheap). */
export const MAX_EXPRESSION_LENGTH = 4096;
/** How deep `!`, `( … )` and operators may nest: the parser and the evaluator recurse that deep, no deeper. */
export const MAX_EXPRESSION_DEPTH = 32;

// Sticky (`y`) patterns match at lastIndex without copying the rest of the source for every token.
const NUMBER = /\d+(\.\d+)?/y;
const IDENT = /[A-Za-z_][\w-]*/y;

function matchAt(pattern: RegExp, source: string, at: number): string | null {
  pattern.lastIndex = at;
  return pattern.exec(source)?.[0] ?? null;
}

function tokenize(source: string): Array<Token & { at: number }> {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw new ExpressionError(`the expression is longer than ${MAX_EXPRESSION_LENGTH} characters`, 0);
  }
  const tokens: Array<Token & { at: number }> = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    const number = matchAt(NUMBER, source, i);
    if (number) {
      tokens.push({ type: 'num', value: Number(number), at: i });
      i += number.length;
      continue;
    }
    const ident = matchAt(IDENT, source, i);
    if (ident) {
      tokens.push({ type: 'ident', value: ident, at: i });
      i += ident.length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const end = source.indexOf(ch, i + 1);
      if (end < 0) throw new ExpressionError('unterminated string', i);
      tokens.push({ type: 'str', value: source.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    const op = OPERATORS.find((candidate) => source.startsWith(candidate, i));
    if (!op) throw new ExpressionError(`unexpected character "${ch}"`, i);
    tokens.push({ type: 'op', value: op, at: i });
    i += op.length;
  }
  return tokens;
}

/** Parses an expression such as `steps.tests.exitCode != 0 && inputs.fix == true`. */
export function parseExpression(source: string): Expr {
  const tokens = tokenize(source);
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos];
  const isOp = (value: string) => peek()?.type === 'op' && peek()?.value === value;
  const expectOp = (value: string) => {
    if (!isOp(value)) throw new ExpressionError(`expected "${value}"`, peek()?.at ?? source.length);
    pos += 1;
  };

  const binary = (next: () => Expr, ops: BinaryOp[]) => (): Expr => {
    let left = next();
    for (;;) {
      const token = peek();
      if (token?.type !== 'op' || !ops.includes(token.value as BinaryOp)) return left;
      pos += 1;
      left = { kind: 'binary', op: token.value as BinaryOp, left, right: next() };
    }
  };

  const nested = <T>(at: number, parse: () => T): T => {
    depth += 1;
    if (depth > MAX_EXPRESSION_DEPTH)
      throw new ExpressionError(`the expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels`, at);
    try {
      return parse();
    } finally {
      depth -= 1;
    }
  };

  const primary = (): Expr => {
    const token = peek();
    if (!token) throw new ExpressionError('expression ends too early', source.length);
    pos += 1;
    if (token.type === 'num') return { kind: 'literal', value: token.value };
    if (token.type === 'str') return { kind: 'literal', value: token.value };
    if (token.type === 'op' && token.value === '!')
      return nested(token.at, () => ({ kind: 'not', operand: primary() }));
    if (token.type === 'op' && token.value === '(') {
      return nested(token.at, () => {
        const inner = or();
        expectOp(')');
        return inner;
      });
    }
    if (token.type === 'ident') {
      if (token.value === 'true' || token.value === 'false') return { kind: 'literal', value: token.value === 'true' };
      if (token.value === 'null') return { kind: 'literal', value: null };
      const segments: Array<string | number> = [token.value];
      for (;;) {
        if (isOp('.')) {
          pos += 1;
          const name = peek();
          if (name?.type !== 'ident') throw new ExpressionError('expected a name after "."', name?.at ?? source.length);
          segments.push(name.value);
          pos += 1;
        } else if (isOp('[')) {
          pos += 1;
          const index = peek();
          if (index?.type !== 'num' && index?.type !== 'str') {
            throw new ExpressionError('expected a number or string inside [ ]', index?.at ?? source.length);
          }
          segments.push(index.value);
          pos += 1;
          expectOp(']');
        } else {
          return { kind: 'path', segments };
        }
      }
    }
    throw new ExpressionError(`unexpected "${token.value}"`, token.at);
  };
  const comparison = binary(primary, ['==', '!=', '<', '<=', '>', '>=']);
  const and = binary(comparison, ['&&']);
  const or = binary(and, ['||']);

  const expr = or();
  const rest = peek();
  if (rest) throw new ExpressionError(`unexpected "${rest.value}"`, rest.at);
  return expr;
}

/** Looks a path up in a plain data tree; missing parts are undefined, never an error. */
export function lookupPath(scope: unknown, segments: ReadonlyArray<string | number>): unknown {
  let value: unknown = scope;
  for (const segment of segments) {
    if (value === null || value === undefined) return undefined;
    if (segment === 'length' && (Array.isArray(value) || typeof value === 'string')) {
      value = value.length;
      continue;
    }
    if (typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

export function evaluateExpression(expr: Expr, scope: unknown): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'path':
      return lookupPath(scope, expr.segments);
    case 'not':
      return !truthy(evaluateExpression(expr.operand, scope));
    case 'binary': {
      if (expr.op === '&&')
        return truthy(evaluateExpression(expr.left, scope)) && truthy(evaluateExpression(expr.right, scope));
      if (expr.op === '||')
        return truthy(evaluateExpression(expr.left, scope)) || truthy(evaluateExpression(expr.right, scope));
      const left = evaluateExpression(expr.left, scope);
      const right = evaluateExpression(expr.right, scope);
      switch (expr.op) {
        case '==':
          return looseEqual(left, right);
        case '!=':
          return !looseEqual(left, right);
        case '<':
          return Number(left) < Number(right);
        case '<=':
          return Number(left) <= Number(right);
        case '>':
          return Number(left) > Number(right);
        case '>=':
          return Number(left) >= Number(right);
      }
    }
  }
}

/** Empty strings, empty lists, 0, false, null and undefined are false. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

// `undefined == null` so a skipped step's missing output compares like "nothing".
function looseEqual(left: unknown, right: unknown): boolean {
  if ((left === undefined || left === null) && (right === undefined || right === null)) return true;
  if (typeof left === 'number' || typeof right === 'number') return Number(left) === Number(right);
  return left === right;
}
