// Structural comparison for conformance tests: same keys and JSON types, recursively. Values are not compared.
//   - every key of the capture must be in the sandbox's answer; with `exact`, the answer may not add keys either
//   - null is compatible with any scalar (the services document these properties as nullable)
//   - array elements are compared with the capture's element of the same @odata.type, else its first element
export type JsonType = 'null' | 'string' | 'number' | 'boolean' | 'array' | 'object';

export function jsonType(value: unknown): JsonType {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' ? t : 'object';
}

const SCALARS = new Set<JsonType>(['null', 'string', 'number', 'boolean']);

function compatible(expected: JsonType, actual: JsonType): boolean {
  if (expected === actual) return true;
  return (expected === 'null' && SCALARS.has(actual)) || (actual === 'null' && SCALARS.has(expected));
}

export interface ShapeOptions {
  exact?: boolean;
  /** JSON paths ($.a.b) left out of the comparison. */
  ignore?: string[];
  /** Key names an `exact` comparison accepts beyond the capture (documented optional properties). */
  optionalKeys?: string[];
}

export function shapeDifferences(expected: unknown, actual: unknown, options: ShapeOptions = {}, path = '$'): string[] {
  const e = jsonType(expected);
  const a = jsonType(actual);
  if (options.ignore?.includes(path)) return [];
  if (!compatible(e, a)) return [`${path}: expected ${e}, got ${a}`];
  if (e === 'object' && a === 'object') {
    const exp = expected as Record<string, unknown>;
    const act = actual as Record<string, unknown>;
    const out: string[] = [];
    for (const key of Object.keys(exp)) {
      const childPath = `${path}.${key}`;
      if (options.ignore?.includes(childPath)) continue;
      if (!(key in act)) out.push(`${childPath}: missing`);
      else out.push(...shapeDifferences(exp[key], act[key], options, childPath));
    }
    if (options.exact) {
      for (const key of Object.keys(act)) if (!(key in exp) && !options.ignore?.includes(`${path}.${key}`) && !options.optionalKeys?.includes(key)) out.push(`${path}.${key}: not in the capture`);
    }
    return out;
  }
  if (e === 'array' && a === 'array') {
    const exp = expected as unknown[];
    const act = actual as unknown[];
    if (exp.length === 0) return [];
    const out: string[] = [];
    act.forEach((item, i) => {
      const type = (item as Record<string, unknown> | null)?.['@odata.type'];
      const model = exp.find((x) => (x as Record<string, unknown> | null)?.['@odata.type'] === type) ?? exp[0];
      out.push(...shapeDifferences(model, item, options, `${path}[${i}]`));
    });
    return out;
  }
  return [];
}
