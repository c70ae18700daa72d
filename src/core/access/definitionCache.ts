// Role definitions change rarely, so every load shares them for an hour: a tenant's list (every built-in and custom
// role, about 1 MB of JSON) and the odd role read by id. Several tenants and clouds can be in use, so the cache is
// bounded by an estimate of the memory its lists take (10 MB by default), and the list used longest ago goes first.
import type { RawRoleDefinition } from './model';

export const DEFAULT_DEFINITION_CACHE_BYTES = 10 * 1_048_576;

/** About what a list takes in memory: its strings (two bytes a character) and a little per object and array. */
export function definitionBytes(list: readonly RawRoleDefinition[]): number {
  let bytes = 64;
  for (const d of list) {
    bytes += 96 + 2 * (d.id.length + d.roleName.length + d.description.length + d.type.length);
    for (const p of d.permissions) {
      bytes += 64;
      for (const group of [p.actions, p.notActions, p.dataActions, p.notDataActions]) for (const a of group) bytes += 24 + 2 * a.length;
    }
  }
  return bytes;
}

interface Entry { readonly at: number; readonly value: RawRoleDefinition[]; readonly bytes: number }

/** Role definitions per key (cloud and tenant, or a role's id), for `ttlMs`, within `maxBytes` (least recently used first out). */
export class AccessCache {
  private readonly definitions = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly ttlMs = 60 * 60_000, private readonly maxBytes = DEFAULT_DEFINITION_CACHE_BYTES) {}

  getDefinitions(key: string): RawRoleDefinition[] | undefined {
    const hit = this.definitions.get(key);
    if (!hit) return undefined;
    if (Date.now() - hit.at >= this.ttlMs) {
      this.drop(key, hit);
      return undefined;
    }
    // Map order is the eviction order: a hit moves to the end.
    this.definitions.delete(key);
    this.definitions.set(key, hit);
    return hit.value;
  }

  setDefinitions(key: string, value: RawRoleDefinition[]): void {
    const old = this.definitions.get(key);
    if (old) this.drop(key, old);
    const bytes = definitionBytes(value);
    // A list larger than the whole budget is not kept at all (the next load asks again).
    if (bytes > this.maxBytes) return;
    for (const [oldest, entry] of this.definitions) {
      if (this.bytes + bytes <= this.maxBytes) break;
      this.drop(oldest, entry);
    }
    this.definitions.set(key, { at: Date.now(), value, bytes });
    this.bytes += bytes;
  }

  /** The estimated memory the cached lists take, in bytes. */
  get size(): number {
    return this.bytes;
  }

  clear(): void {
    this.definitions.clear();
    this.bytes = 0;
  }

  private drop(key: string, entry: Entry): void {
    this.definitions.delete(key);
    this.bytes -= entry.bytes;
  }
}
