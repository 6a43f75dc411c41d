// What the chunker knows of each language: the extensions it goes by, the grammar it is parsed with (VS Code's
// prebuilt wasm grammars, @vscode/tree-sitter-wasm), and which nodes are definitions worth a chunk of their own.
// A spec only looks at a node and its direct fields: how deep the walk goes is the walker's business (syntax.ts).
import type { Node } from 'web-tree-sitter';
import type { ChunkKind } from './types.js';

export type LanguageId =
  | 'typescript'
  | 'tsx'
  | 'javascript'
  | 'python'
  | 'go'
  | 'rust'
  | 'java'
  | 'csharp'
  | 'cpp'
  | 'c'
  | 'ruby'
  | 'php'
  | 'bash'
  | 'css'
  | 'markdown';

const BY_EXTENSION: Readonly<Record<string, LanguageId>> = {
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'tsx',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  py: 'python',
  pyi: 'python',
  pyw: 'python',
  go: 'go',
  rs: 'rust',
  java: 'java',
  cs: 'csharp',
  cpp: 'cpp',
  cc: 'cpp',
  cxx: 'cpp',
  'c++': 'cpp',
  hpp: 'cpp',
  hh: 'cpp',
  hxx: 'cpp',
  h: 'c',
  c: 'c',
  rb: 'ruby',
  rake: 'ruby',
  gemspec: 'ruby',
  php: 'php',
  sh: 'bash',
  bash: 'bash',
  css: 'css',
  md: 'markdown',
  markdown: 'markdown',
  mdx: 'markdown',
};

const BY_NAME: Readonly<Record<string, LanguageId>> = {
  rakefile: 'ruby',
  gemfile: 'ruby',
};

export function languageOfPath(path: string): LanguageId | null {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1).toLowerCase();
  const named = BY_NAME[base];
  if (named) return named;
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return null;
  return BY_EXTENSION[base.slice(dot + 1)] ?? null;
}

export interface Definition {
  kind: ChunkKind;
  /** The name as written, before the container's name is put in front ('remove', or 'Store.Remove' for a Go method). */
  name: string | null;
  /** For a container (a class, an impl, a namespace): the node whose children are its members. */
  members?: Node | null;
  /** Whether the members' names are prefixed with this one's ('UserStore.remove'; not so for a C# namespace). */
  qualifies?: boolean;
  /** The node whose children's first rows are good cuts when this definition is too long for one chunk. */
  body?: Node | null;
}

export interface Scope {
  /** Inside a class-like container: a function there is a method. */
  inType: boolean;
}

export interface LanguageSpec {
  /** The wasm file's name in @vscode/tree-sitter-wasm/wasm/, without 'tree-sitter-' and '.wasm'. */
  grammar: string;
  /** Node types taken into the definition that follows them: comments, doc comments, Rust attributes. */
  leading: ReadonlySet<string>;
  /** The declaration a wrapper stands for (an export, a decorated definition, a template); the chunk keeps the
   * wrapper's lines. */
  unwrap?(node: Node): Node | null;
  /** For a node whose children belong to the level it sits in (a preprocessor conditional, an extern "C" block): the
   * node whose children those are. */
  transparent?(node: Node): Node | null;
  define(node: Node, scope: Scope): Definition | null;
}

const MAX_NAME = 120;

/** A node's text as a one-line name, `::` written as '.', or null when empty; long texts are cut. */
export function nameText(node: Node | null | undefined): string | null {
  if (!node) return null;
  // a name node is short; the guard keeps a broken tree (a name swallowing the file) from copying megabytes
  const raw = node.endIndex - node.startIndex > 4 * MAX_NAME ? node.text.slice(0, 4 * MAX_NAME) : node.text;
  const name = raw.replace(/\s+/g, ' ').replace(/::/g, '.').trim();
  if (name === '') return null;
  return name.length > MAX_NAME ? name.slice(0, MAX_NAME) : name;
}

function fieldName(node: Node, field = 'name'): string | null {
  return nameText(node.childForFieldName(field));
}

function fn(node: Node, scope: Scope, name: string | null): Definition {
  return { kind: scope.inType ? 'method' : 'function', name, body: node.childForFieldName('body') };
}

function container(kind: ChunkKind, name: string | null, members: Node | null, qualifies = true): Definition {
  return { kind, name, members, qualifies, body: members };
}

const COMMENT = new Set(['comment']);

// --- TypeScript, TSX, JavaScript -------------------------------------------------------------------------------

const JS_FUNCTION_VALUES = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);
const JS_CLASS_VALUES = new Set(['class', 'class_expression']);

/** A function among a call's arguments: `export const Button = memo((props) => …)` is a function all the same. */
function wrappedFunction(value: Node): boolean {
  if (value.type !== 'call_expression') return false;
  const args = value.childForFieldName('arguments');
  if (!args || args.namedChildCount > 4) return false;
  for (const arg of args.namedChildren) if (arg && JS_FUNCTION_VALUES.has(arg.type)) return true;
  return false;
}

/** `const f = () => …`, `let g = function () {}`, `var C = class {}` with one declarator; null otherwise. */
function jsVariable(node: Node): Definition | null {
  const declarators = node.namedChildren.filter((child) => child?.type === 'variable_declarator');
  if (declarators.length !== 1) return null;
  const declarator = declarators[0];
  const value = declarator?.childForFieldName('value');
  if (!declarator || !value) return null;
  const name = fieldName(declarator);
  if (JS_FUNCTION_VALUES.has(value.type) || wrappedFunction(value)) {
    return { kind: 'function', name, body: value.childForFieldName('body') };
  }
  if (JS_CLASS_VALUES.has(value.type)) return container('class', name, value.childForFieldName('body'));
  return null;
}

/** `Foo.prototype.bar = function () {}`, `module.exports.baz = () => …`, `exports.qux = function () {}`. */
function jsAssignment(node: Node): Definition | null {
  const assignment = node.firstNamedChild;
  if (assignment?.type !== 'assignment_expression') return null;
  const right = assignment.childForFieldName('right');
  if (!right || !JS_FUNCTION_VALUES.has(right.type)) return null;
  const left = nameText(assignment.childForFieldName('left'));
  if (!left) return null;
  const exported = left.replace(/^(module\.)?exports\./, '');
  const method = exported.replace(/\.prototype\./, '.');
  return {
    kind: method !== exported ? 'method' : 'function',
    name: method,
    body: right.childForFieldName('body'),
  };
}

function jsName(node: Node): string {
  const name = fieldName(node);
  if (name === null) return 'default';
  // `declare module 'foo'` is named by a string
  return name.replace(/^(['"`])(.*)\1$/, '$2');
}

const javascriptLike: Omit<LanguageSpec, 'grammar'> = {
  leading: COMMENT,
  unwrap(node) {
    switch (node.type) {
      case 'export_statement':
        return node.childForFieldName('declaration') ?? node.childForFieldName('value');
      case 'ambient_declaration': {
        const inner = node.firstNamedChild;
        // `declare global { … }` is a block of its own (define), not a wrapper
        return inner && inner.type !== 'statement_block' ? inner : null;
      }
      default:
        return null;
    }
  },
  define(node, scope) {
    switch (node.type) {
      case 'function_declaration':
      case 'generator_function_declaration':
      case 'function_signature':
      case 'function_expression':
      case 'arrow_function':
      case 'function':
      case 'generator_function':
        return { kind: 'function', name: jsName(node), body: node.childForFieldName('body') };
      case 'class_declaration':
      case 'abstract_class_declaration':
      case 'class':
        return container('class', jsName(node), node.childForFieldName('body'));
      case 'interface_declaration':
        return container('interface', jsName(node), node.childForFieldName('body'));
      case 'type_alias_declaration':
        return { kind: 'type', name: jsName(node), body: node.childForFieldName('value') };
      case 'enum_declaration':
        return container('enum', jsName(node), node.childForFieldName('body'));
      case 'internal_module':
        return container('module', jsName(node), node.childForFieldName('body'));
      case 'module':
        // `declare module 'web-tree-sitter'` names a package, no part of what its members are called
        return container('module', jsName(node), node.childForFieldName('body'), false);
      case 'ambient_declaration': {
        const block = node.firstNamedChild;
        return block?.type === 'statement_block' ? container('module', 'global', block, false) : null;
      }
      case 'expression_statement': {
        const inner = node.firstNamedChild;
        if (inner?.type === 'internal_module')
          return container('module', jsName(inner), inner.childForFieldName('body'));
        return scope.inType ? null : jsAssignment(node);
      }
      case 'lexical_declaration':
      case 'variable_declaration':
        return scope.inType ? null : jsVariable(node);
      case 'method_definition':
        return { kind: 'method', name: fieldName(node), body: node.childForFieldName('body') };
      case 'public_field_definition':
      case 'field_definition': {
        // `handle = (event) => …` in a class is a method in all but syntax
        const value = node.childForFieldName('value');
        if (!value || !JS_FUNCTION_VALUES.has(value.type)) return null;
        const name = fieldName(node) ?? fieldName(node, 'property');
        return { kind: 'method', name, body: value.childForFieldName('body') };
      }
      default:
        return null;
    }
  },
};

// --- Python --------------------------------------------------------------------------------------------------

const python: LanguageSpec = {
  grammar: 'python',
  leading: COMMENT,
  unwrap: (node) => (node.type === 'decorated_definition' ? node.childForFieldName('definition') : null),
  define(node, scope) {
    switch (node.type) {
      case 'function_definition':
        return fn(node, scope, fieldName(node));
      case 'class_definition':
        return container('class', fieldName(node), node.childForFieldName('body'));
      default:
        return null;
    }
  },
};

// --- Go ------------------------------------------------------------------------------------------------------

/** `(s *Store)` and `(b Box[T])` are methods of Store and Box. */
function goReceiver(node: Node): string | null {
  const receiver = node.childForFieldName('receiver');
  const parameter = receiver?.namedChildren.find((child) => child?.type === 'parameter_declaration');
  const type = nameText(parameter?.childForFieldName('type'));
  return type ? type.replace(/^[*\s]+/, '').replace(/\[.*$/, '') : null;
}

const go: LanguageSpec = {
  grammar: 'go',
  leading: COMMENT,
  define(node) {
    switch (node.type) {
      case 'function_declaration':
        return { kind: 'function', name: fieldName(node), body: node.childForFieldName('body') };
      case 'method_declaration': {
        const receiver = goReceiver(node);
        const name = fieldName(node);
        return {
          kind: 'method',
          name: receiver && name ? `${receiver}.${name}` : name,
          body: node.childForFieldName('body'),
        };
      }
      case 'type_declaration': {
        const specs = node.namedChildren.filter((child) => child?.type === 'type_spec' || child?.type === 'type_alias');
        const spec = specs.length === 1 ? specs[0] : null;
        if (!spec) return { kind: 'type', name: null, body: node };
        const type = spec.childForFieldName('type');
        return {
          kind: type?.type === 'interface_type' ? 'interface' : 'type',
          name: fieldName(spec),
          body: type?.type === 'struct_type' ? type.firstNamedChild : type,
        };
      }
      default:
        return null;
    }
  },
};

// --- Rust ----------------------------------------------------------------------------------------------------

/** `impl<T> fmt::Display for &mut Wrapper<T>` is about Wrapper. */
function rustImplName(node: Node): string | null {
  const type = nameText(node.childForFieldName('type'));
  if (!type) return null;
  return (
    type
      .replace(/^(?:[&*]\s*|(?:mut|const|dyn)\s+|'\w+\s+)*/, '')
      .replace(/<.*$/, '')
      .trim() || null
  );
}

const rust: LanguageSpec = {
  grammar: 'rust',
  leading: new Set(['line_comment', 'block_comment', 'attribute_item']),
  transparent: (node) => (node.type === 'foreign_mod_item' ? node.childForFieldName('body') : null),
  define(node, scope) {
    switch (node.type) {
      case 'function_item':
      case 'function_signature_item':
        return fn(node, scope, fieldName(node));
      case 'struct_item':
      case 'union_item':
        return { kind: 'type', name: fieldName(node), body: node.childForFieldName('body') };
      case 'enum_item':
        return container('enum', fieldName(node), node.childForFieldName('body'));
      case 'trait_item':
        return container('interface', fieldName(node), node.childForFieldName('body'));
      case 'impl_item':
        return container('class', rustImplName(node), node.childForFieldName('body'));
      case 'mod_item': {
        const body = node.childForFieldName('body');
        return body ? container('module', fieldName(node), body) : null;
      }
      case 'type_item':
        return { kind: 'type', name: fieldName(node) };
      case 'macro_definition':
        return { kind: 'function', name: fieldName(node), body: node };
      default:
        return null;
    }
  },
};

// --- Java ----------------------------------------------------------------------------------------------------

const java: LanguageSpec = {
  grammar: 'java',
  leading: new Set(['line_comment', 'block_comment']),
  transparent: (node) => (node.type === 'enum_body_declarations' ? node : null),
  define(node, scope) {
    switch (node.type) {
      case 'class_declaration':
      case 'record_declaration':
        return container('class', fieldName(node), node.childForFieldName('body'));
      case 'interface_declaration':
      case 'annotation_type_declaration':
        return container('interface', fieldName(node), node.childForFieldName('body'));
      case 'enum_declaration':
        return container('enum', fieldName(node), node.childForFieldName('body'));
      case 'method_declaration':
      case 'constructor_declaration':
      case 'compact_constructor_declaration':
        return fn(node, scope, fieldName(node));
      default:
        return null;
    }
  },
};

// --- C# ------------------------------------------------------------------------------------------------------

const csharp: LanguageSpec = {
  grammar: 'c-sharp',
  leading: COMMENT,
  transparent: (node) =>
    node.type === 'preproc_if' || node.type === 'preproc_else' || node.type === 'preproc_elif' ? node : null,
  define(node, scope) {
    switch (node.type) {
      case 'namespace_declaration':
        return container('module', fieldName(node), node.childForFieldName('body'), false);
      case 'class_declaration':
      case 'struct_declaration':
      case 'record_declaration':
      case 'record_struct_declaration':
        return container('class', fieldName(node), node.childForFieldName('body'));
      case 'interface_declaration':
        return container('interface', fieldName(node), node.childForFieldName('body'));
      case 'enum_declaration':
        return container('enum', fieldName(node), node.childForFieldName('body'));
      case 'delegate_declaration':
        return { kind: 'type', name: fieldName(node) };
      case 'method_declaration':
      case 'constructor_declaration':
      case 'local_function_statement':
        return fn(node, scope, fieldName(node));
      case 'destructor_declaration': {
        const name = fieldName(node);
        return fn(node, scope, name ? `~${name}` : null);
      }
      case 'operator_declaration':
      case 'conversion_operator_declaration': {
        const operator = node.childForFieldName('operator');
        return fn(node, scope, operator ? `operator ${operator.text}` : 'operator');
      }
      default:
        return null;
    }
  },
};

// --- C and C++ (one grammar: C++'s reads C well enough for chunking) --------------------------------------------

const CPP_DECLARATOR_LAYERS = new Set([
  'function_declarator',
  'pointer_declarator',
  'reference_declarator',
  'parenthesized_declarator',
  'attributed_declarator',
]);
const CPP_CLASSES = new Set(['class_specifier', 'struct_specifier', 'union_specifier']);

/** `static int *UserStore::find(int id)`: the name under the pointers and the parameter list. */
function cppFunctionName(node: Node): string | null {
  let declarator = node.childForFieldName('declarator');
  // a declarator nests once per '*', '&' or '()': a bound keeps a contrived one from running long
  for (let depth = 0; declarator && CPP_DECLARATOR_LAYERS.has(declarator.type) && depth < 32; depth++) {
    declarator = declarator.childForFieldName('declarator');
  }
  return nameText(declarator);
}

/** The class, struct, union or enum a declaration defines (`struct P { … } p;`), when it has a body. */
function cppDefinedType(node: Node): Node | null {
  const type = node.childForFieldName('type');
  if (!type?.childForFieldName('body')) return null;
  return CPP_CLASSES.has(type.type) || type.type === 'enum_specifier' ? type : null;
}

const CPP_PREPROCESSOR = new Set(['preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef']);

const cpp: LanguageSpec = {
  grammar: 'cpp',
  leading: COMMENT,
  unwrap(node) {
    switch (node.type) {
      case 'template_declaration': {
        // the templated declaration is its last named child, after the parameter list (and a requires clause)
        const inner = node.lastNamedChild;
        return inner && inner.type !== 'template_parameter_list' && inner.type !== 'requires_clause' ? inner : null;
      }
      case 'declaration':
      case 'field_declaration':
        return cppDefinedType(node);
      case 'linkage_specification': {
        const body = node.childForFieldName('body');
        return body && body.type !== 'declaration_list' ? body : null;
      }
      default:
        return null;
    }
  },
  transparent(node) {
    if (CPP_PREPROCESSOR.has(node.type)) return node;
    if (node.type === 'linkage_specification') {
      const body = node.childForFieldName('body');
      return body?.type === 'declaration_list' ? body : null;
    }
    return null;
  },
  define(node, scope) {
    switch (node.type) {
      case 'function_definition': {
        const name = cppFunctionName(node);
        // `void UserStore::add(…)` defines a member outside its class
        const kind = scope.inType || name?.includes('.') ? 'method' : 'function';
        return { kind, name, body: node.childForFieldName('body') };
      }
      case 'class_specifier':
      case 'struct_specifier':
      case 'union_specifier': {
        const body = node.childForFieldName('body');
        return body ? container('class', fieldName(node), body) : null;
      }
      case 'enum_specifier': {
        const body = node.childForFieldName('body');
        return body ? container('enum', fieldName(node), body) : null;
      }
      case 'namespace_definition':
        return container('module', fieldName(node), node.childForFieldName('body'), false);
      case 'type_definition':
        return { kind: 'type', name: fieldName(node, 'declarator') };
      case 'alias_declaration':
        return { kind: 'type', name: fieldName(node) };
      default:
        return null;
    }
  },
};

// --- Ruby ----------------------------------------------------------------------------------------------------

const ruby: LanguageSpec = {
  grammar: 'ruby',
  leading: COMMENT,
  // `class << self` holds singleton methods of the class it is in
  transparent: (node) => (node.type === 'singleton_class' ? node.childForFieldName('body') : null),
  define(node, scope) {
    switch (node.type) {
      case 'method':
        return fn(node, scope, fieldName(node));
      case 'singleton_method': {
        const object = nameText(node.childForFieldName('object'));
        const name = fieldName(node);
        return fn(node, scope, object && object !== 'self' && name ? `${object}.${name}` : name);
      }
      case 'class':
        return container('class', fieldName(node), node.childForFieldName('body'));
      case 'module':
        return container('module', fieldName(node), node.childForFieldName('body'));
      default:
        return null;
    }
  },
};

// --- PHP -----------------------------------------------------------------------------------------------------

const php: LanguageSpec = {
  grammar: 'php',
  leading: COMMENT,
  define(node, scope) {
    switch (node.type) {
      case 'function_definition':
      case 'method_declaration':
        return fn(node, scope, fieldName(node));
      case 'class_declaration':
      case 'trait_declaration':
        return container('class', fieldName(node), node.childForFieldName('body'));
      case 'interface_declaration':
        return container('interface', fieldName(node), node.childForFieldName('body'));
      case 'enum_declaration':
        return container('enum', fieldName(node), node.childForFieldName('body'));
      case 'namespace_definition': {
        // `namespace App;` is a statement; only `namespace App { … }` holds its definitions
        const body = node.childForFieldName('body');
        return body ? container('module', fieldName(node), body, false) : null;
      }
      default:
        return null;
    }
  },
};

// --- Bash, CSS -------------------------------------------------------------------------------------------------

const bash: LanguageSpec = {
  grammar: 'bash',
  leading: COMMENT,
  define: (node, scope) => (node.type === 'function_definition' ? fn(node, scope, fieldName(node)) : null),
};

/** A stylesheet has no definitions: its rules are packed into blocks, cut between rules. */
const css: LanguageSpec = { grammar: 'css', leading: COMMENT, define: () => null };

export const SPECS: Readonly<Record<Exclude<LanguageId, 'markdown'>, LanguageSpec>> = {
  typescript: { grammar: 'typescript', ...javascriptLike },
  tsx: { grammar: 'tsx', ...javascriptLike },
  javascript: { grammar: 'javascript', ...javascriptLike },
  python,
  go,
  rust,
  java,
  csharp,
  cpp,
  c: cpp,
  ruby,
  php,
  bash,
  css,
};
