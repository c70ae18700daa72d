// The credentials a Python file builds, read from its syntax tree: `DefaultAzureCredential(...)`,
// `ChainedTokenCredential(...)` and the credentials built directly (`AzureCliCredential(tenant_id=…)`, …), through
// whatever name the file imported them under (`from azure.identity import DefaultAzureCredential as DAC`,
// `import azure.identity as ai`, `azure.identity.aio`), with their literal keyword arguments and, for what cannot be
// known without running the code (a variable, a call, `**kwargs`), the fact that it is unknown. Names and text from
// the file are data: bounded here, shown as text by whoever shows them.
import type { Node, Tree } from '@vscode/tree-sitter-wasm';
import { EXCLUDE_KEYWORDS, STRING_KEYWORDS, type CredentialName, type KeywordArguments, type StringKeyword } from '../chain/types';
import { legacyAuthOf, type LegacyUsage } from './legacyAuth';
import { parsePython } from './pythonParser';
import { callsRootedAt, dotted, importsOf, rootsOf, type ImportFacts } from './syntaxSearch';

export { dotted };

/** Credential classes of azure.identity (and its aio twin) that the reader recognises. */
export const CREDENTIAL_CLASSES = [
  'DefaultAzureCredential', 'ChainedTokenCredential', 'EnvironmentCredential', 'WorkloadIdentityCredential',
  'ManagedIdentityCredential', 'SharedTokenCacheCredential', 'VisualStudioCodeCredential', 'AzureCliCredential',
  'AzurePowerShellCredential', 'AzureDeveloperCliCredential', 'InteractiveBrowserCredential', 'DeviceCodeCredential',
  'ClientSecretCredential', 'CertificateCredential', 'ClientAssertionCredential', 'OnBehalfOfCredential',
  'UsernamePasswordCredential', 'AuthorizationCodeCredential', 'AzurePipelinesCredential', 'InteractiveBrowserBrokerCredential',
] as const;
export type CredentialClass = (typeof CREDENTIAL_CLASSES)[number];
const CLASS_SET = new Set<string>(CREDENTIAL_CLASSES);
/** Modules whose names are these classes. */
const MODULES = new Set(['azure.identity', 'azure.identity.aio', 'azure.identity.broker']);

/** A keyword argument's value as far as the source tells it. */
export type KeywordValue =
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'strings'; readonly value: readonly string[] }
  | { readonly kind: 'none' }
  /** Not a literal: a variable, a call, an f-string…; `text` is the expression as written, bounded. */
  | { readonly kind: 'unknown'; readonly text: string };

/** 0-based lines; columns in UTF-16 code units, as editors count them. */
export interface SourceRange { readonly startLine: number; readonly startColumn: number; readonly endLine: number; readonly endColumn: number }

export interface CredentialCall {
  readonly credential: CredentialClass;
  /** The name the file calls it by (`DAC`, `ai.DefaultAzureCredential`), bounded. */
  readonly calledAs: string;
  /** True for `azure.identity.aio`. */
  readonly async: boolean;
  readonly range: SourceRange;
  /** Keyword arguments by name, in source order. */
  readonly keywords: ReadonlyMap<string, KeywordValue>;
  /** `**kwargs` somewhere in the call: any keyword may be set at run time. */
  readonly keywordSpread: boolean;
  /** Positional arguments: for ChainedTokenCredential, its members in order (a nested credential, or unknown). */
  readonly positional: readonly (CredentialCall | { readonly kind: 'unknown'; readonly text: string })[];
  /** `*args` somewhere in the call. */
  readonly positionalSpread: boolean;
  /**
   * Per keyword argument: where it is written (`name=value`), and what to delete to remove it with its comma, so
   * that the call stays valid Python (`f(a=1, b=2)` → `f(b=2)`, `f(\n  a=1,\n)` → `f()`).
   */
  readonly keywordRanges: ReadonlyMap<string, { readonly written: SourceRange; readonly removal: SourceRange }>;
}

const MAX_TEXT = 120;
const MAX_CALLS = 200;

export const bounded = (text: string): string => (text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);

export function rangeOf(node: Node): SourceRange {
  return { startLine: node.startPosition.row, startColumn: node.startPosition.column, endLine: node.endPosition.row, endColumn: node.endPosition.column };
}

/** What a name in the file stands for: a credential class, or one of the identity modules. */
type Binding = { readonly kind: 'class'; readonly name: CredentialClass; readonly async: boolean } | { readonly kind: 'module'; readonly module: string };

/** The names the file's imports bind (at any depth: imports inside functions and `try` blocks count too). */
function bindingsOf(imports: readonly ImportFacts[]): Map<string, Binding> {
  const bindings = new Map<string, Binding>();
  const moduleBinding = (module: string): Binding | undefined => (MODULES.has(module) ? { kind: 'module', module } : undefined);
  for (const statement of imports) {
    if (statement.type === 'import_from_statement') {
      const module = statement.module;
      if (!module) continue;
      if (statement.wildcard && MODULES.has(module)) {
        for (const name of CREDENTIAL_CLASSES) bindings.set(name, { kind: 'class', name, async: module.endsWith('.aio') });
        continue;
      }
      for (const { original, local } of statement.names) {
        if (!original || !local) continue;
        if (MODULES.has(module) && CLASS_SET.has(original)) bindings.set(local, { kind: 'class', name: original as CredentialClass, async: module.endsWith('.aio') });
        else {
          // `from azure import identity`, `from azure.identity import aio`
          const sub = moduleBinding(`${module}.${original}`);
          if (sub) bindings.set(local, sub);
        }
      }
    } else if (statement.type === 'import_statement') {
      for (const { original: module, local, aliased } of statement.names) {
        if (aliased) {
          const binding = module ? moduleBinding(module) : undefined;
          if (binding && local) bindings.set(local, binding);
        } else if (module && MODULES.has(module)) {
          // `import azure.identity` makes `azure.identity.X` reachable by its full name.
          bindings.set(module, { kind: 'module', module });
        }
      }
    }
  }
  return bindings;
}

function resolveCallee(fn: Node | null, bindings: ReadonlyMap<string, Binding>): { name: CredentialClass; async: boolean } | undefined {
  if (!fn) return undefined;
  if (fn.type === 'identifier') {
    const b = bindings.get(fn.text);
    return b?.kind === 'class' ? { name: b.name, async: b.async } : undefined;
  }
  if (fn.type === 'attribute') {
    const attribute = fn.childForFieldName('attribute')?.text;
    const object = dotted(fn.childForFieldName('object'));
    if (!attribute || !object || !CLASS_SET.has(attribute)) return undefined;
    const b = bindings.get(object);
    if (b?.kind === 'module') return { name: attribute as CredentialClass, async: b.module.endsWith('.aio') };
  }
  return undefined;
}

/** A Python string literal's value, when it has no interpolation; undefined otherwise. */
export function stringValue(node: Node): string | undefined {
  if (node.type === 'concatenated_string') {
    const parts = node.namedChildren.map((c) => (c ? stringValue(c) : undefined));
    return parts.every((p): p is string => p !== undefined) ? parts.join('') : undefined;
  }
  if (node.type !== 'string') return undefined;
  const prefix = node.namedChildren.find((c) => c?.type === 'string_start')?.text ?? '';
  const raw = /[rR]/.test(prefix);
  let value = '';
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'interpolation') return undefined;
    if (child.type === 'string_content') value += raw ? child.text : decodeEscapes(child.text);
  }
  return value;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\u0007', b: '\b', f: '\f', v: '\v', 0: '\0' };

/** Python's escapes in a non-raw string: the simple ones, \xhh, \uXXXX, \UXXXXXXXX and a backslash before a newline. */
export function decodeEscapes(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|\r?\n|[\s\S])/g, (whole, escape: string) => {
    if (/^[xuU]/.test(escape) && escape.length > 1) {
      const code = Number.parseInt(escape.slice(1), 16);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    if (escape === '\n' || escape === '\r\n') return '';
    return SIMPLE_ESCAPES[escape] ?? whole;
  });
}

function literal(node: Node): KeywordValue {
  switch (node.type) {
    case 'true': return { kind: 'bool', value: true };
    case 'false': return { kind: 'bool', value: false };
    case 'none': return { kind: 'none' };
    case 'integer':
    case 'float': {
      const value = Number(node.text.replace(/_/g, ''));
      return Number.isFinite(value) ? { kind: 'number', value } : { kind: 'unknown', text: bounded(node.text) };
    }
    case 'unary_operator': {
      const operand = node.childForFieldName('argument');
      const inner = operand ? literal(operand) : undefined;
      if (inner?.kind === 'number' && node.text.trimStart().startsWith('-')) return { kind: 'number', value: -inner.value };
      break;
    }
    case 'string':
    case 'concatenated_string': {
      const value = stringValue(node);
      if (value !== undefined) return { kind: 'string', value };
      break;
    }
    case 'list':
    case 'tuple': {
      const items = node.namedChildren.map((c) => (c ? stringValue(c) : undefined));
      if (items.every((i): i is string => i !== undefined)) return { kind: 'strings', value: items };
      break;
    }
    case 'parenthesized_expression': {
      const inner = node.namedChildren.find((c) => c !== null && c.type !== 'comment');
      if (inner) return literal(inner);
      break;
    }
  }
  return { kind: 'unknown', text: bounded(node.text.replace(/\s+/g, ' ')) };
}

function readCall(node: Node, bindings: ReadonlyMap<string, Binding>): CredentialCall | undefined {
  const callee = resolveCallee(node.childForFieldName('function'), bindings);
  if (!callee) return undefined;
  const keywords = new Map<string, KeywordValue>();
  const keywordRanges = new Map<string, { written: SourceRange; removal: SourceRange }>();
  const positional: CredentialCall['positional'][number][] = [];
  let keywordSpread = false;
  let positionalSpread = false;
  const args = node.childForFieldName('arguments');
  const argNodes = (args?.namedChildren ?? []).filter((c): c is Node => c !== null && c.type !== 'comment');
  for (const [index, arg] of argNodes.entries()) {
    if (arg.type === 'keyword_argument') {
      const name = arg.childForFieldName('name')?.text;
      const value = arg.childForFieldName('value');
      if (name && value) {
        keywords.set(name, literal(value));
        keywordRanges.set(name, { written: rangeOf(arg), removal: removalRange(args!, argNodes, index) });
      }
    } else if (arg.type === 'dictionary_splat') {
      keywordSpread = true;
    } else if (arg.type === 'list_splat') {
      positionalSpread = true;
    } else {
      const nested = arg.type === 'call' ? readCall(arg, bindings) : undefined;
      positional.push(nested ?? { kind: 'unknown', text: bounded(arg.text.replace(/\s+/g, ' ')) });
    }
  }
  return {
    credential: callee.name, calledAs: bounded(node.childForFieldName('function')?.text ?? callee.name), async: callee.async,
    range: rangeOf(node), keywords, keywordSpread, positional, positionalSpread, keywordRanges,
  };
}

/** What to delete to remove argument `index` and one comma: up to the next argument, else from the previous one. */
function removalRange(argumentList: Node, args: readonly Node[], index: number): SourceRange {
  const arg = args[index]!;
  const next = args[index + 1];
  const previous = args[index - 1];
  const from = (a: Node, b: Node, bStart: boolean): SourceRange => ({
    startLine: a.endPosition.row, startColumn: a.endPosition.column,
    endLine: bStart ? b.startPosition.row : b.endPosition.row, endColumn: bStart ? b.startPosition.column : b.endPosition.column,
  });
  if (next) return { ...from(arg, next, true), startLine: arg.startPosition.row, startColumn: arg.startPosition.column };
  if (previous) return from(previous, arg, false);
  // The only argument: everything between the parentheses (a trailing comma, the line breaks around it).
  const open = argumentList.child(0);
  const close = argumentList.child(argumentList.childCount - 1);
  if (open?.type === '(' && close?.type === ')') return from(open, close, true);
  return rangeOf(arg);
}

/**
 * Every credential construction in a parsed file, in source order (at most 200). Only the calls made through a name
 * the file's imports bind are looked at (found in the text, then located in the tree), not every call of the file:
 * a large module with a thousand calls and one credential costs one lookup.
 */
export function credentialCallsOf(tree: Tree): CredentialCall[] {
  const bindings = bindingsOf(importsOf(tree));
  if (bindings.size === 0) return [];
  const calls: CredentialCall[] = [];
  for (const node of callsRootedAt(tree, rootsOf(bindings.keys()))) {
    const call = readCall(node, bindings);
    if (call) calls.push(call);
    if (calls.length >= MAX_CALLS) break;
  }
  return calls.sort((a, b) => a.range.startLine - b.range.startLine || a.range.startColumn - b.range.startColumn);
}

/** Parses `text` and returns its credential constructions; a file that does not parse still yields what is readable. */
export async function findCredentialCalls(text: string, wasmDir?: string): Promise<CredentialCall[]> {
  const tree = await parsePython(text, wasmDir);
  try {
    return credentialCallsOf(tree);
  } finally {
    tree.delete();
  }
}

/** One parse of a Python file: its credential constructions and its track-1 authentication. */
export async function readPythonFile(text: string, wasmDir?: string): Promise<{ calls: CredentialCall[]; legacy: LegacyUsage[] }> {
  const tree = await parsePython(text, wasmDir);
  try {
    return { calls: credentialCallsOf(tree), legacy: legacyAuthOf(tree) };
  } finally {
    tree.delete();
  }
}

const STRING_KEYWORD_BY_NAME = new Map(Object.entries(STRING_KEYWORDS).map(([field, keyword]) => [keyword as string, field as StringKeyword]));
const EXCLUDE_BY_KEYWORD = new Map(Object.entries(EXCLUDE_KEYWORDS).map(([credential, keyword]) => [keyword, credential as CredentialName]));

/** What a DefaultAzureCredential call passes that the chain model reads, and what of it the source does not tell. */
export interface ModelledKeywords {
  readonly keywordArguments: KeywordArguments;
  /** Keywords the model reads whose value is not a literal (`exclude_cli_credential=flag`), and `**kwargs`. */
  readonly unknown: readonly string[];
}

/** The chain engine's keyword arguments for a `DefaultAzureCredential(...)` call. */
export function keywordArgumentsOf(call: CredentialCall): ModelledKeywords {
  const exclude: Partial<Record<CredentialName, boolean>> = {};
  const strings: Partial<Record<StringKeyword, string>> = {};
  const unknown: string[] = [];
  let processTimeoutSeconds: number | undefined;
  let requireEnvvar: boolean | undefined;
  let tenantIdWritten = false;
  for (const [name, value] of call.keywords) {
    // DefaultAzureCredential refuses the keyword itself, whatever its value: a variable raises as a literal does.
    if (name === 'tenant_id') { tenantIdWritten = true; continue; }
    const credential = EXCLUDE_BY_KEYWORD.get(name);
    const stringKeyword = STRING_KEYWORD_BY_NAME.get(name);
    const modelled = credential !== undefined || stringKeyword !== undefined || name === 'process_timeout' || name === 'require_envvar';
    if (!modelled) continue;
    if (credential && value.kind === 'bool') exclude[credential] = value.value;
    else if (stringKeyword && value.kind === 'string') strings[stringKeyword] = value.value;
    // None is passed on as given (DefaultAzureCredential pops it with the variable as default only when absent): as
    // falsy as "", so it is modelled as "".
    else if (stringKeyword && value.kind === 'none') strings[stringKeyword] = '';
    else if (name === 'process_timeout' && value.kind === 'number' && value.value > 0) processTimeoutSeconds = value.value;
    else if (name === 'require_envvar' && value.kind === 'bool') requireEnvvar = value.value;
    else unknown.push(name);
  }
  if (call.keywordSpread) unknown.push('**kwargs');
  return {
    keywordArguments: {
      ...(Object.keys(exclude).length ? { exclude } : {}),
      ...(processTimeoutSeconds !== undefined ? { processTimeoutSeconds } : {}),
      ...(requireEnvvar !== undefined ? { requireEnvvar } : {}),
      ...strings,
      ...(tenantIdWritten ? { tenantIdWritten } : {}),
    },
    unknown,
  };
}
