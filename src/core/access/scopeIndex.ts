// Scopes as a trie of their path segments, so that "what applies here" and "what is directly below" cost the depth of
// a scope rather than a scan of every assignment: the Access report and its rows grow with the number of
// assignments, not with its square. Scope strings are normalised once, when they enter.

/** A scope compared as Azure compares it: case-insensitive, trailing slashes ignored. The root scope is ''. */
export function scopeKey(scope: string): string {
  let end = scope.length;
  while (end > 0 && scope.charCodeAt(end - 1) === 47 /* / */) end--;
  return (end === scope.length ? scope : scope.slice(0, end)).toLowerCase();
}

const MANAGEMENT_GROUP_PREFIX = '/providers/microsoft.management/managementgroups/';
const SUBSCRIPTIONS_PREFIX = '/subscriptions/';

/**
 * Is the scope with key `outer` the scope with key `inner` or one of its ancestors? The root scope holds everything;
 * a management group holds every subscription listed (the view does not know the hierarchy between them).
 */
export function keyContains(outer: string, inner: string): boolean {
  if (outer === '') return true;
  if (outer.startsWith(MANAGEMENT_GROUP_PREFIX)) return inner === outer || inner.startsWith(SUBSCRIPTIONS_PREFIX);
  return inner === outer || (inner.length > outer.length && inner.charCodeAt(outer.length) === 47 && inner.startsWith(outer));
}

interface TrieNode<T> {
  readonly children: Map<string, TrieNode<T>>;
  readonly items: T[];
}

const newNode = <T>(): TrieNode<T> => ({ children: new Map(), items: [] });

/**
 * Items (assignments, deny assignments) by the scope they are made at. `applying(scope)` returns those made at the
 * scope or above it, in the order they were added; its cost is the scope's depth plus the number returned.
 */
export class ScopeIndex<T> {
  private readonly root = newNode<T>();
  /** Made at the root scope: they apply everywhere. */
  private readonly everywhere: T[] = [];
  /** Made at management groups: each applies to itself and to every subscription's scopes. */
  private readonly managementGroups = new Map<string, T[]>();
  private readonly order = new Map<T, number>();
  private size = 0;

  constructor(items: Iterable<T> = [], scopeOf?: (item: T) => string) {
    if (scopeOf) for (const item of items) this.add(scopeKey(scopeOf(item)), item);
  }

  /** Adds an item at a scope key (see scopeKey). */
  add(key: string, item: T): void {
    this.order.set(item, this.size++);
    if (key === '') this.everywhere.push(item);
    else if (key.startsWith(MANAGEMENT_GROUP_PREFIX)) {
      const list = this.managementGroups.get(key);
      if (list) list.push(item);
      else this.managementGroups.set(key, [item]);
    } else {
      let node = this.root;
      for (const segment of key.split('/')) {
        let child = node.children.get(segment);
        if (!child) node.children.set(segment, child = newNode<T>());
        node = child;
      }
      node.items.push(item);
    }
  }

  /** Items whose scope contains the scope with this key (keyContains), in the order they were added. */
  applying(key: string): T[] {
    const found: T[] = [...this.everywhere];
    if (key.startsWith(SUBSCRIPTIONS_PREFIX)) for (const list of this.managementGroups.values()) found.push(...list);
    else {
      const own = this.managementGroups.get(key);
      if (own) found.push(...own);
    }
    let node: TrieNode<T> | undefined = this.root;
    for (const segment of key.split('/')) {
      node = node.children.get(segment);
      if (!node) break;
      found.push(...node.items);
    }
    if (found.length > 1) found.sort((a, b) => this.order.get(a)! - this.order.get(b)!);
    return found;
  }
}

/**
 * A set of scopes below one top scope, as a tree: each scope's children are the scopes of the set directly below it
 * (with no other scope of the set between them).
 */
export function scopeChildren(top: string, keys: Iterable<string>): Map<string, string[]> {
  const topKey = scopeKey(top);
  const inSet = new Set<string>();
  for (const key of keys) if (key === topKey || keyContains(topKey, key)) inSet.add(key);
  inSet.add(topKey);
  const children = new Map<string, string[]>([...inSet].map((key) => [key, []]));
  for (const key of inSet) {
    if (key === topKey) continue;
    // The nearest ancestor in the set: walk up one segment at a time (the top scope ends every walk).
    let parent = key;
    do parent = parent.slice(0, parent.lastIndexOf('/')); while (!inSet.has(parent));
    children.get(parent)!.push(key);
  }
  return children;
}
