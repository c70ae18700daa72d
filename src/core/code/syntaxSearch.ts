// Finding the few places of a parsed file that the readers care about without walking every node of its tree. Each
// walk of a tree crosses into WebAssembly for every node, and a workspace of thousands of modules made the walks,
// not the parse, most of the cost. So the import statements are walked once per tree and shared by the readers, and
// the uses of a name are found in the text (a name can only be written where its characters are) and then located
// in the tree, which tells a real identifier from the same letters in a string, a comment or a longer name.
import type { Node, Tree } from '@vscode/tree-sitter-wasm';
import { sourceOf } from './pythonParser';

const IMPORT_TYPES = ['import_from_statement', 'import_statement', 'future_import_statement'];

const importsByTree = new WeakMap<Tree, readonly Node[]>();

/** Every import statement of the file, at any depth (inside functions and `try` blocks too), in source order. */
export function importStatementsOf(tree: Tree): readonly Node[] {
  let imports = importsByTree.get(tree);
  if (!imports) {
    // Each import statement holds exactly one `import` keyword; the same letters elsewhere are not that keyword.
    const root = tree.rootNode;
    const found: Node[] = [];
    for (const match of treeText(tree).matchAll(/import(?!\w)/g)) {
      const keyword = root.descendantForIndex(match.index, match.index + 'import'.length);
      const statement = keyword?.type === 'import' ? keyword.parent : null;
      if (statement && IMPORT_TYPES.includes(statement.type)) found.push(statement);
    }
    imports = found;
    importsByTree.set(tree, imports);
  }
  return imports;
}

/** `a.b.c` for a name, a dotted name or an attribute chain of names; undefined for anything else. */
export function dotted(node: Node | null): string | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier') return node.text;
  if (node.type === 'dotted_name') return node.namedChildren.filter((c): c is Node => c !== null && c.type === 'identifier').map((c) => c.text).join('.');
  if (node.type === 'attribute') {
    const object = dotted(node.childForFieldName('object'));
    const attribute = node.childForFieldName('attribute')?.text;
    return object && attribute ? `${object}.${attribute}` : undefined;
  }
  return undefined;
}

/** One name an import statement binds, as written (`X`, `X as Y`, `a.b`, `a.b as c`). */
export interface ImportedName {
  /** The dotted name imported (`X`, `a.b`). */
  readonly original: string | undefined;
  /** The name it is bound to in the file: the alias, else the original. */
  readonly local: string | undefined;
  readonly aliased: boolean;
  /** The name's text as written. */
  readonly text: string;
}

/** An import statement read once into plain values, shared by the readers (each read of a node crosses into WebAssembly). */
export interface ImportFacts {
  readonly node: Node;
  readonly type: 'import_from_statement' | 'import_statement' | 'future_import_statement';
  /** `from <module> import …`: the module as a dotted name (undefined for a relative import and for `import …`). */
  readonly module: string | undefined;
  /** `from <module> import *`. */
  readonly wildcard: boolean;
  readonly names: readonly ImportedName[];
}

const importFactsByTree = new WeakMap<Tree, readonly ImportFacts[]>();

/** The file's import statements (see `importStatementsOf`), each read once. */
export function importsOf(tree: Tree): readonly ImportFacts[] {
  let facts = importFactsByTree.get(tree);
  if (!facts) {
    facts = importStatementsOf(tree).map((node): ImportFacts => {
      const type = node.type as ImportFacts['type'];
      if (type === 'future_import_statement') return { node, type, module: undefined, wildcard: false, names: [] };
      const names: ImportedName[] = [];
      for (const child of node.childrenForFieldName('name')) {
        if (!child) continue;
        const aliased = child.type === 'aliased_import';
        const original = dotted(aliased ? child.childForFieldName('name') : child);
        names.push({ original, local: aliased ? child.childForFieldName('alias')?.text : original, aliased, text: child.text });
      }
      return type === 'import_from_statement'
        ? { node, type, module: dotted(node.childForFieldName('module_name')), wildcard: node.namedChildren.some((c) => c?.type === 'wildcard_import'), names }
        : { node, type, module: undefined, wildcard: false, names };
    });
    importFactsByTree.set(tree, facts);
  }
  return facts;
}

/** The file's text as the tree indexes it. */
export const treeText = (tree: Tree): string => sourceOf(tree);

const escapeForPattern = (name: string): string => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The identifiers of the file that are exactly one of `names`, in source order, at most `max` of them (the caller
 * learns that the bound was reached from the length). Names are plain identifiers (no dots).
 */
export function identifiersNamed(tree: Tree, names: Iterable<string>, max = Number.POSITIVE_INFINITY): Node[] {
  const wanted = new Set([...names].filter((n) => n.length > 0));
  if (wanted.size === 0) return [];
  const alternatives = [...wanted].sort((a, b) => b.length - a.length).map(escapeForPattern);
  // A letter or digit after makes it part of a longer name. What comes before is left to the tree, which alone
  // knows where a name starts (`x_os` is one name, `0_os` a number and a name), as is what is not ASCII.
  const pattern = new RegExp(`(?:${alternatives.join('|')})(?!\\w)`, 'g');
  const root = tree.rootNode;
  const found: Node[] = [];
  const text = treeText(tree);
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const node = root.descendantForIndex(match.index, match.index + match[0].length);
    if (node?.type !== 'identifier' || node.startIndex !== match.index || node.text !== match[0]) {
      // Not a name here: a shorter one may still start inside these letters.
      pattern.lastIndex = match.index + 1;
      continue;
    }
    found.push(node);
    if (found.length >= max) break;
  }
  return found;
}

/**
 * The calls whose callee is one of `names` or an attribute chain starting with one (`X(…)`, `m.X(…)`,
 * `a.b.X.from_connection_string(…)`), in source order, at most `max`. Every call a reader can resolve through the
 * file's imports has this shape, so the readers look at these calls instead of every call of the file.
 */
export function callsRootedAt(tree: Tree, names: Iterable<string>, max = Number.POSITIVE_INFINITY): Node[] {
  const calls: Node[] = [];
  const seen = new Set<number>();
  for (const identifier of identifiersNamed(tree, names)) {
    let callee: Node = identifier;
    for (let parent = callee.parent; parent?.type === 'attribute' && parent.childForFieldName('object')?.id === callee.id; parent = callee.parent) callee = parent;
    const call = callee.parent;
    if (call?.type !== 'call' || call.childForFieldName('function')?.id !== callee.id || seen.has(call.id)) continue;
    seen.add(call.id);
    calls.push(call);
    if (calls.length >= max) break;
  }
  return calls;
}

/** The first part of each bound name (`azure` for `azure.identity`): where a call through that binding starts. */
export const rootsOf = (bound: Iterable<string>): Set<string> => new Set([...bound].map((name) => name.split('.')[0]!.trim()));
