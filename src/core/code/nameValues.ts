// What a name in a Python file was assigned, as far as the source alone tells, read from the syntax tree with
// Python's scoping rules: the function the name is used in (if it binds the name there, or declares it global), the
// functions around it, then the module; class bodies are skipped as Python skips them. A name tells its value only
// when the scope binds it exactly once, by a plain `name = value` (or `name: T = value`): a second assignment,
// `+=`, a loop or `with` target, an import, a parameter, a `global` statement in another function, a `del`, a
// pattern of `match`… all make it something only running the code would tell, and the answer says which.
import type { Node, Tree } from '@vscode/tree-sitter-wasm';
import { identifiersNamed } from './syntaxSearch';

export type NameValue =
  /** The right-hand side of the name's one assignment. */
  | { readonly kind: 'assigned'; readonly value: Node }
  | { readonly kind: 'unresolved'; readonly why: string };

const SCOPE_TYPES = new Set(['function_definition', 'lambda', 'class_definition', 'module']);
/** Nodes a target name may sit in on the left of an assignment or a `for` (`a, (b, *c) = …`). */
const PATTERN_TYPES = new Set(['pattern_list', 'tuple_pattern', 'list_pattern', 'list_splat_pattern', 'parenthesized_expression', 'tuple', 'list', 'expression_list', 'list_splat']);
const PARAMETER_TYPES = new Set(['parameters', 'lambda_parameters', 'typed_parameter', 'list_splat_pattern', 'dictionary_splat_pattern']);

type Occurrence =
  | { readonly kind: 'assign'; readonly node: Node; readonly value: Node | null }
  | { readonly kind: 'bind'; readonly node: Node; readonly how: string }
  | { readonly kind: 'parameter'; readonly node: Node }
  | { readonly kind: 'global' | 'nonlocal'; readonly node: Node };

const sameNode = (a: Node | null | undefined, b: Node | null | undefined): boolean => !!a && !!b && a.id === b.id;
const lineOf = (node: Node): number => node.startPosition.row + 1;

/** The scope a node is evaluated in (a function's name and decorators belong to the scope around it). */
function scopeOf(node: Node): Node {
  let child = node;
  for (let parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (!SCOPE_TYPES.has(parent.type)) continue;
    if (parent.type === 'module') return parent;
    if ((parent.type === 'function_definition' || parent.type === 'class_definition') && sameNode(parent.childForFieldName('name'), child)) continue;
    // A default value or an annotation of a parameter is evaluated where the function is defined.
    if (parent.type === 'function_definition' && !sameNode(parent.childForFieldName('body'), child) && !sameNode(parent.childForFieldName('parameters'), child)) continue;
    if (parent.type === 'class_definition' && !sameNode(parent.childForFieldName('body'), child)) continue;
    return parent;
  }
  return child;
}

/** What an occurrence of a name does: binds it (and how), declares it, or only reads it (undefined). */
function occurrenceOf(id: Node): Occurrence | undefined {
  const parent = id.parent;
  if (!parent) return undefined;
  // `obj.name`, `f(name=…)`: another thing's name, not this one.
  if (parent.type === 'attribute' && sameNode(parent.childForFieldName('attribute'), id)) return undefined;
  if (parent.type === 'keyword_argument' && sameNode(parent.childForFieldName('name'), id)) return undefined;
  if (parent.type === 'global_statement') return { kind: 'global', node: parent };
  if (parent.type === 'nonlocal_statement') return { kind: 'nonlocal', node: parent };
  if ((parent.type === 'function_definition' || parent.type === 'class_definition') && sameNode(parent.childForFieldName('name'), id)) {
    return { kind: 'bind', node: parent, how: parent.type === 'function_definition' ? 'a def' : 'a class' };
  }
  if (PARAMETER_TYPES.has(parent.type) && parent.parent && (parent.type !== 'list_splat_pattern' || PARAMETER_TYPES.has(parent.parent.type))) return { kind: 'parameter', node: parent };
  if ((parent.type === 'default_parameter' || parent.type === 'typed_default_parameter') && sameNode(parent.childForFieldName('name'), id)) return { kind: 'parameter', node: parent };
  if (parent.type === 'named_expression' && sameNode(parent.childForFieldName('name'), id)) return { kind: 'bind', node: parent, how: 'a := expression' };
  if (parent.type === 'as_pattern_target') return { kind: 'bind', node: parent, how: 'an "as" target' };
  if (parent.type === 'aliased_import' || parent.type === 'dotted_name') {
    for (let up: Node | null = parent; up; up = up.parent) {
      if (up.type === 'import_statement' || up.type === 'import_from_statement' || up.type === 'future_import_statement') {
        if (sameNode(up.childForFieldName('module_name'), parent)) return undefined;
        return { kind: 'bind', node: up, how: 'an import' };
      }
      if (up.type !== 'aliased_import' && up.type !== 'dotted_name') break;
    }
  }
  for (let up: Node | null = parent; up; up = up.parent) {
    if (up.type === 'case_pattern' || up.type === 'case_clause') return { kind: 'bind', node: up, how: 'a match pattern' };
    if (up.type === 'block' || up.type === 'module' || up.type === 'expression_statement') break;
  }
  if (parent.type === 'delete_statement' || (parent.type === 'expression_list' && parent.parent?.type === 'delete_statement')) return { kind: 'bind', node: parent, how: 'a del' };
  // The left of an assignment, `+=`, a `for` or a comprehension's `for`, through any unpacking pattern.
  let target: Node = id;
  let container: Node | null = parent;
  while (container && PATTERN_TYPES.has(container.type)) {
    target = container;
    container = container.parent;
  }
  if (!container) return undefined;
  const isLeft = sameNode(container.childForFieldName('left'), target);
  if (!isLeft) return undefined;
  if (container.type === 'assignment') {
    if (target.id !== id.id) return { kind: 'bind', node: container, how: 'an unpacking assignment' };
    // `a = b = value`: the value is the innermost right-hand side.
    let value = container.childForFieldName('right');
    while (value?.type === 'assignment') value = value.childForFieldName('right');
    return { kind: 'assign', node: container, value };
  }
  if (container.type === 'augmented_assignment') return { kind: 'bind', node: container, how: 'an augmented assignment' };
  if (container.type === 'for_statement' || container.type === 'for_in_clause') return { kind: 'bind', node: container, how: 'a for loop' };
  return undefined;
}

/** The occurrences of names in each scope, gathered once per file and reused for every name asked about. */
export class NameScopes {
  /** By name (gathered on first question about it): by scope, the name's binding occurrences. */
  private readonly byName = new Map<string, Map<number, Occurrence[]>>();
  /** Names written more often than this are not followed: each of their uses would be classified. */
  private readonly tooFrequent = new Set<string>();

  constructor(private readonly tree: Tree, private readonly maxUses = 20_000) {}

  /** The occurrences of `name` that bind or declare it, by scope (only the identifiers that are that name are looked at). */
  private scopesOf(name: string): Map<number, Occurrence[]> {
    const known = this.byName.get(name);
    if (known) return known;
    const byScope = new Map<number, Occurrence[]>();
    const uses = identifiersNamed(this.tree, [name], this.maxUses + 1);
    if (uses.length > this.maxUses) this.tooFrequent.add(name);
    for (const id of uses) {
      const occurrence = occurrenceOf(id);
      if (!occurrence) continue;
      const scope = occurrence.kind === 'parameter' ? scopeOfParameter(occurrence.node) : scopeOf(id);
      if (!scope) continue;
      const list = byScope.get(scope.id) ?? [];
      list.push(occurrence);
      byScope.set(scope.id, list);
    }
    this.byName.set(name, byScope);
    return byScope;
  }

  /** The functions that declare `name` global and bind it: they may assign the module's name. */
  private globalWriters(name: string): Node[] {
    const writers: Node[] = [];
    for (const occurrences of this.scopesOf(name).values()) {
      const declared = occurrences.find((o) => o.kind === 'global');
      if (declared && occurrences.some((o) => o.kind === 'assign' || o.kind === 'bind')) writers.push(declared.node);
    }
    return writers;
  }

  /** What `name`, read at `use`, was assigned. */
  valueAt(use: Node, name: string): NameValue {
    if (this.scopesOf(name) && this.tooFrequent.has(name)) return { kind: 'unresolved', why: `${name} is used too often in this file to follow` };
    let scope: Node | null = scopeOf(use);
    const innermost = scope;
    while (scope) {
      // `global` at module level is allowed and changes nothing.
      const occurrences = (this.scopesOf(name).get(scope.id) ?? []).filter((o) => scope!.type !== 'module' || o.kind !== 'global');
      // A class body's names are not seen from the functions in it.
      const skip = scope.type === 'class_definition' && scope.id !== innermost.id;
      if (!skip && occurrences.length) {
        if (occurrences.some((o) => o.kind === 'nonlocal')) return { kind: 'unresolved', why: `${name} is declared nonlocal (line ${lineOf(occurrences.find((o) => o.kind === 'nonlocal')!.node)})` };
        if (occurrences.some((o) => o.kind === 'global')) {
          scope = scope.tree.rootNode;
          continue;
        }
        return this.single(name, scope, occurrences, scope.id === innermost.id ? use : undefined);
      }
      if (scope.type === 'module') break;
      scope = scope.parent ? scopeOf(scope) : null;
    }
    return { kind: 'unresolved', why: `${name} is not assigned in this file` };
  }

  private single(name: string, scope: Node, occurrences: readonly Occurrence[], use: Node | undefined): NameValue {
    const parameter = occurrences.find((o) => o.kind === 'parameter');
    if (parameter) {
      const fn = scope.type === 'function_definition' ? scope.childForFieldName('name')?.text : undefined;
      return { kind: 'unresolved', why: `${name} is a parameter${fn ? ` of ${fn}` : ''}: its value comes from the caller` };
    }
    const fromElsewhere = scope.type === 'module' ? this.globalWriters(name) : [];
    if (fromElsewhere.length) return { kind: 'unresolved', why: `${name} is assigned by a function that declares it global (line ${lineOf(fromElsewhere[0]!)})` };
    if (occurrences.length > 1) {
      const lines = [...new Set(occurrences.map((o) => lineOf(o.node)))].slice(0, 5).join(', ');
      return { kind: 'unresolved', why: `${name} is assigned more than once (lines ${lines})` };
    }
    const only = occurrences[0]!;
    if (only.kind === 'bind') return { kind: 'unresolved', why: `${name} is bound by ${only.how} (line ${lineOf(only.node)})` };
    if (only.kind !== 'assign') return { kind: 'unresolved', why: `${name} is not assigned in this file` };
    if (!only.value) return { kind: 'unresolved', why: `${name} is annotated but not assigned (line ${lineOf(only.node)})` };
    // In the scope it is used in, a name assigned after the use has no value yet there.
    if (use && only.node.startIndex > use.startIndex) return { kind: 'unresolved', why: `${name} is assigned after this line (line ${lineOf(only.node)})` };
    return { kind: 'assigned', value: only.value };
  }
}

/** The function (or lambda) a parameter belongs to. */
function scopeOfParameter(node: Node): Node | undefined {
  for (let up: Node | null = node; up; up = up.parent) if (up.type === 'function_definition' || up.type === 'lambda') return up;
  return undefined;
}
