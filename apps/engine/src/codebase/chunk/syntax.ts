// Chunks from a syntax tree. The walk looks at the top level, and goes into a definition only where it is a container
// too long for one chunk (a class, an impl, a namespace): its members become chunks and the rest of it (signature,
// fields, closing brace) header chunks. Everything else between definitions is packed into blocks, cut between
// statements. Nothing below that is visited, so a file of 10,000 nested brackets costs one node; the walk keeps its
// own stack (no recursion) and a bound on container nesting, and it lets the event loop run every few milliseconds.
import type { Node, Tree } from 'web-tree-sitter';
import type { Definition, LanguageSpec, Scope } from './languages.js';
import { type Source, windows } from './lines.js';
import type { ChunkKind, Limits } from './types.js';

/** A chunk as the walk makes it: rows are 0-based. */
export interface RawChunk {
  start: number;
  end: number;
  kind: ChunkKind;
  name: string | null;
  text: string;
}

/** Lets the event loop run when the work since the last turn has taken long enough. */
export type Pace = () => Promise<void>;

/** Containers inside containers past this depth are windowed instead of being opened. */
const MAX_CONTAINER_DEPTH = 12;
/** Wrappers and preprocessor conditionals nest; past this they are taken as they are. */
const MAX_UNWRAP = 8;
const MAX_TRANSPARENT_DEPTH = 32;
/** How many nodes are looked at between two looks at the clock. */
const NODES_PER_PACE = 256;

const TYPE_KINDS: ReadonlySet<ChunkKind> = new Set(['class', 'interface', 'enum', 'type']);

interface Level {
  start: number;
  end: number;
  nodes: Node[];
  /** Kind and name of the lines between members: 'block' at the top, the container's own inside one. */
  fillerKind: ChunkKind;
  fillerName: string | null;
  /** Put in front of the members' names. */
  qualifier: string | null;
  scope: Scope;
  depth: number;
}

interface Item {
  /** The definition's first row, its leading comments included. */
  start: number;
  end: number;
  definition: Definition;
}

export function startRow(node: Node): number {
  return node.startPosition.row;
}

/** A node that ends with its line break ends on the row before. */
export function endRow(node: Node): number {
  const start = node.startPosition.row;
  const end = node.endPosition;
  return end.column === 0 && end.row > start ? end.row - 1 : end.row;
}

export async function syntaxChunks(
  tree: Tree,
  source: Source,
  spec: LanguageSpec,
  limits: Limits,
  pace: Pace,
): Promise<RawChunk[]> {
  const chunks: RawChunk[] = [];
  const lastRow = source.rowCount - 1;
  // rows where a statement or definition starts: where a block or a long definition is best cut
  const breaks = new Uint8Array(source.rowCount + 1);
  // a split definition's windows share a few lines so each keeps some of its context
  const definitionOverlap = Math.min(limits.overlap, Math.floor(limits.maxLines / 10));
  const levels: Level[] = [
    {
      start: 0,
      end: lastRow,
      nodes: tree.rootNode.namedChildren,
      fillerKind: 'block',
      fillerName: null,
      qualifier: null,
      scope: { inType: false },
      depth: 0,
    },
  ];
  let visited = 0;

  const emitWindows = (
    start: number,
    end: number,
    kind: ChunkKind,
    name: string | null,
    overlap: number,
    overlapAtBreaks: boolean,
  ) => {
    for (const piece of windows(source, start, end, limits, { overlap, breaks, overlapAtBreaks })) {
      chunks.push({ start: piece.start, end: piece.end, kind, name, text: piece.text });
    }
  };

  for (let level = levels.pop(); level; level = levels.pop()) {
    const items: Item[] = [];
    // the run of comments just above the next node: it goes with a definition
    let commentStart = -1;
    let commentEnd = -1;
    // the last row of code seen: a comment on it trails that code rather than leading what follows
    let codeEnd = -1;
    const stack: { nodes: Node[]; next: number }[] = [{ nodes: level.nodes, next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { nodes: Node[]; next: number };
      const node = top.nodes[top.next++];
      if (!node) {
        stack.pop();
        continue;
      }
      if (++visited % NODES_PER_PACE === 0) await pace();
      const start = startRow(node);
      const end = endRow(node);
      breaks[start] = 1;
      if (spec.leading.has(node.type)) {
        if (start <= codeEnd) continue;
        if (commentStart >= 0 && start <= commentEnd + 1) commentEnd = Math.max(commentEnd, end);
        else {
          commentStart = start;
          commentEnd = end;
        }
        continue;
      }
      let inner = node;
      for (let depth = 0; depth < MAX_UNWRAP && spec.unwrap; depth++) {
        const unwrapped = spec.unwrap(inner);
        if (!unwrapped) break;
        inner = unwrapped;
      }
      // comments right above a node go with it: a block is cut above them, not between them and the node
      const attached = commentStart >= 0 && commentEnd >= start - 1;
      if (attached && commentStart < start) breaks[start] = 0;
      const definition = spec.define(inner, level.scope);
      if (definition) {
        items.push({ start: attached ? commentStart : start, end, definition });
      } else {
        const holder = stack.length < MAX_TRANSPARENT_DEPTH ? spec.transparent?.(inner) : null;
        if (holder) {
          stack.push({ nodes: holder.namedChildren, next: 0 });
          commentStart = -1;
          continue;
        }
      }
      commentStart = -1;
      codeEnd = Math.max(codeEnd, end);
    }

    const filler = (start: number, end: number) => {
      if (start <= end) emitWindows(start, end, level.fillerKind, level.fillerName, limits.overlap, false);
    };
    let cursor = level.start;
    for (const item of items) {
      // a definition on rows a chunk already holds (several on one line) adds nothing but a copy of that line
      if (item.end < cursor) continue;
      const start = Math.max(item.start, level.start);
      const end = Math.min(item.end, level.end);
      filler(cursor, start - 1);
      cursor = Math.max(cursor, end + 1);
      const { definition } = item;
      const name =
        definition.name !== null && level.qualifier !== null
          ? `${level.qualifier}.${definition.name}`
          : definition.name;
      const kept = source.trim(start, end);
      if (!kept) continue;
      if (source.fits(kept[0], kept[1], limits)) {
        chunks.push({
          start: kept[0],
          end: kept[1],
          kind: definition.kind,
          name,
          text: source.text(kept[0], kept[1]),
        });
      } else if (definition.members && level.depth < MAX_CONTAINER_DEPTH) {
        levels.push({
          start: kept[0],
          end: kept[1],
          nodes: definition.members.namedChildren,
          fillerKind: definition.kind,
          fillerName: name,
          qualifier: definition.qualifies ? name : level.qualifier,
          scope: { inType: TYPE_KINDS.has(definition.kind) },
          depth: level.depth + 1,
        });
      } else {
        let body = definition.body;
        // a body of one node that holds the statements (Go's block and its statement_list): its children
        for (let depth = 0; body && body.namedChildCount === 1 && depth < 3; depth++) body = body.firstNamedChild;
        if (body) {
          for (const statement of body.namedChildren) {
            if (++visited % NODES_PER_PACE === 0) await pace();
            breaks[startRow(statement)] = 1;
          }
        }
        emitWindows(kept[0], kept[1], definition.kind, name, definitionOverlap, true);
      }
    }
    filler(cursor, level.end);
    await pace();
  }
  return chunks;
}
