// The Azure SDK clients a Python file builds against an endpoint (`BlobServiceClient(account_url=…)`,
// `SecretClient(vault_url=…)`, `ServiceBusClient(fully_qualified_namespace=…)`, Cosmos, App Configuration, Azure
// OpenAI), read from its syntax tree through whatever name the file imported them under, with where the endpoint
// comes from: a string literal, a variable of the environment (`os.environ["X"]`, `os.getenv("X")`), either of them
// through a name assigned once (`ACCOUNT_URL = os.environ[…]`) or an f-string of literals, or something only running
// the code would tell (a name assigned twice, a parameter, a call), with why. `X.from_connection_string(...)` is found too,
// as what it is: a client that authenticates with the connection string's key, not with a token credential.
import type { Node, Tree } from '@vscode/tree-sitter-wasm';
import { bounded, decodeEscapes, dotted, rangeOf, stringValue, type SourceRange } from './credentialCalls';
import { NameScopes } from './nameValues';
import { parsePython } from './pythonParser';
import { callsRootedAt, importsOf, rootsOf, type ImportFacts } from './syntaxSearch';

/** The data services a client talks to (the Access report's names, plus Azure OpenAI). */
export type ClientService = 'storage' | 'keyVault' | 'serviceBus' | 'eventHubs' | 'cosmosDb' | 'appConfiguration' | 'openAI';

interface ClientClassInfo {
  readonly service: ClientService;
  /** The keyword that names the endpoint; it is also the first positional parameter, except for Azure OpenAI. */
  readonly endpointKeyword: string;
  readonly positional: boolean;
  readonly modules: readonly string[];
}

const withAio = (module: string): string[] => [module, `${module}.aio`];

/** Client classes whose endpoint names one resource, and the modules that export them. */
export const CLIENT_CLASSES: Readonly<Record<string, ClientClassInfo>> = {
  BlobServiceClient: { service: 'storage', endpointKeyword: 'account_url', positional: true, modules: withAio('azure.storage.blob') },
  ContainerClient: { service: 'storage', endpointKeyword: 'account_url', positional: true, modules: withAio('azure.storage.blob') },
  BlobClient: { service: 'storage', endpointKeyword: 'account_url', positional: true, modules: withAio('azure.storage.blob') },
  DataLakeServiceClient: { service: 'storage', endpointKeyword: 'account_url', positional: true, modules: withAio('azure.storage.filedatalake') },
  SecretClient: { service: 'keyVault', endpointKeyword: 'vault_url', positional: true, modules: withAio('azure.keyvault.secrets') },
  ServiceBusClient: { service: 'serviceBus', endpointKeyword: 'fully_qualified_namespace', positional: true, modules: withAio('azure.servicebus') },
  EventHubProducerClient: { service: 'eventHubs', endpointKeyword: 'fully_qualified_namespace', positional: true, modules: withAio('azure.eventhub') },
  EventHubConsumerClient: { service: 'eventHubs', endpointKeyword: 'fully_qualified_namespace', positional: true, modules: withAio('azure.eventhub') },
  CosmosClient: { service: 'cosmosDb', endpointKeyword: 'url', positional: true, modules: withAio('azure.cosmos') },
  AzureAppConfigurationClient: { service: 'appConfiguration', endpointKeyword: 'base_url', positional: true, modules: withAio('azure.appconfiguration') },
  AzureOpenAI: { service: 'openAI', endpointKeyword: 'azure_endpoint', positional: false, modules: ['openai'] },
  AsyncAzureOpenAI: { service: 'openAI', endpointKeyword: 'azure_endpoint', positional: false, modules: ['openai'] },
};
const MODULES = new Set(Object.values(CLIENT_CLASSES).flatMap((c) => c.modules));
const classesOf = (module: string): string[] => Object.keys(CLIENT_CLASSES).filter((name) => CLIENT_CLASSES[name]!.modules.includes(module));

/** Where a client's endpoint comes from, as far as the source tells. */
export type EndpointSource =
  /** `via`: the name the call passes, when the value was assigned to it (bounded). */
  | { readonly kind: 'literal'; readonly value: string; readonly via?: string }
  /** `os.environ["X"]`, `os.environ.get("X")`, `os.getenv("X")`: the run's environment (with .env) decides. */
  | { readonly kind: 'environment'; readonly variable: string; readonly via?: string }
  /** A call, a parameter, a name assigned twice…: `text` is the expression as written, `why` what stops the reading (both bounded). */
  | { readonly kind: 'unknown'; readonly text: string; readonly why?: string };

export interface ClientCall {
  readonly client: string;
  readonly service: ClientService;
  /** The name the file calls it by (`BSC`, `blob.BlobServiceClient`), bounded. */
  readonly calledAs: string;
  readonly range: SourceRange;
  /** `X(endpoint, credential)` or `X.from_connection_string(...)`, which takes no token credential. */
  readonly construction: 'endpoint' | 'connectionString';
  /** Undefined when the call names no endpoint (a connection string, or an argument left out). */
  readonly endpoint: EndpointSource | undefined;
}

type Binding =
  | { readonly kind: 'class'; readonly name: string }
  | { readonly kind: 'module'; readonly module: string }
  /** `os`, its `environ`, and `getenv`. */
  | { readonly kind: 'os'; readonly what: 'os' | 'environ' | 'getenv' };

function bindingsOf(imports: readonly ImportFacts[]): Map<string, Binding> {
  const bindings = new Map<string, Binding>();
  for (const statement of imports) {
    if (statement.type === 'import_from_statement') {
      const module = statement.module;
      if (!module) continue;
      if (statement.wildcard) {
        if (MODULES.has(module)) for (const name of classesOf(module)) bindings.set(name, { kind: 'class', name });
        continue;
      }
      for (const { original, local } of statement.names) {
        if (!original || !local) continue;
        if (MODULES.has(module) && classesOf(module).includes(original)) bindings.set(local, { kind: 'class', name: original });
        else if (MODULES.has(`${module}.${original}`)) bindings.set(local, { kind: 'module', module: `${module}.${original}` });
        else if (module === 'os' && (original === 'environ' || original === 'getenv')) bindings.set(local, { kind: 'os', what: original });
      }
    } else if (statement.type === 'import_statement') {
      for (const { original: module, local } of statement.names) {
        if (!module || !local) continue;
        if (MODULES.has(module)) bindings.set(local, { kind: 'module', module });
        else if (module === 'os') bindings.set(local, { kind: 'os', what: 'os' });
      }
    }
  }
  return bindings;
}

function resolveClass(fn: Node | null, bindings: ReadonlyMap<string, Binding>): string | undefined {
  if (!fn) return undefined;
  if (fn.type === 'identifier') {
    const b = bindings.get(fn.text);
    return b?.kind === 'class' ? b.name : undefined;
  }
  if (fn.type === 'attribute') {
    const attribute = fn.childForFieldName('attribute')?.text;
    const object = dotted(fn.childForFieldName('object'));
    const b = object ? bindings.get(object) : undefined;
    if (attribute && b?.kind === 'module' && classesOf(b.module).includes(attribute)) return attribute;
  }
  return undefined;
}

/** Is `node` the name of `os.environ` in this file (`os.environ`, `o.environ`, `environ`)? */
function isEnviron(node: Node | null, bindings: ReadonlyMap<string, Binding>): boolean {
  const name = dotted(node);
  if (!name) return false;
  const b = bindings.get(name);
  if (b?.kind === 'os' && b.what === 'environ') return true;
  const dot = name.lastIndexOf('.');
  const owner = dot > 0 ? bindings.get(name.slice(0, dot)) : undefined;
  return owner?.kind === 'os' && owner.what === 'os' && name.slice(dot + 1) === 'environ';
}

function isGetenv(node: Node | null, bindings: ReadonlyMap<string, Binding>): boolean {
  const name = dotted(node);
  if (!name) return false;
  const b = bindings.get(name);
  if (b?.kind === 'os' && b.what === 'getenv') return true;
  const dot = name.lastIndexOf('.');
  const owner = dot > 0 ? bindings.get(name.slice(0, dot)) : undefined;
  if (owner?.kind === 'os' && owner.what === 'os' && name.slice(dot + 1) === 'getenv') return true;
  // `os.environ.get("X")`
  return name.endsWith('.get') && node?.type === 'attribute' && isEnviron(node.childForFieldName('object'), bindings);
}

const argumentsOf = (call: Node): Node[] =>
  (call.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => a !== null && a.type !== 'comment');

/** How far names are followed (`A = B`, `B = os.environ[…]`): a chain longer than this is not something people write. */
const MAX_NAME_DEPTH = 5;

interface Reading {
  readonly bindings: ReadonlyMap<string, Binding>;
  /** The file's names by scope, gathered on first need (most endpoints are literals or os.environ). */
  readonly names: () => NameScopes;
  /** Names left to follow for this call's endpoint: an f-string of names of f-strings cannot make the reading exponential. */
  readonly budget: { left: number };
}

const NAME_BUDGET = 64;

const unknownOf = (node: Node, why?: string): EndpointSource =>
  ({ kind: 'unknown', text: bounded(node.text.replace(/\s+/g, ' ')), ...(why ? { why: bounded(why.replace(/\s+/g, ' ')) } : {}) });

function endpointOf(node: Node, reading: Reading, depth = 0): EndpointSource {
  const { bindings } = reading;
  const value = stringValue(node);
  if (value !== undefined) return { kind: 'literal', value };
  if (node.type === 'parenthesized_expression') {
    const inner = node.namedChildren.find((c) => c !== null && c.type !== 'comment');
    if (inner) return endpointOf(inner, reading, depth);
  }
  if (node.type === 'subscript' && isEnviron(node.childForFieldName('value'), bindings)) {
    const key = node.childForFieldName('subscript');
    const variable = key ? stringValue(key) : undefined;
    if (variable !== undefined) return { kind: 'environment', variable };
  }
  if (node.type === 'call' && isGetenv(node.childForFieldName('function'), bindings)) {
    const first = argumentsOf(node)[0];
    const variable = first && first.type !== 'keyword_argument' ? stringValue(first) : undefined;
    if (variable !== undefined) return { kind: 'environment', variable };
  }
  if (node.type === 'string' || node.type === 'concatenated_string') {
    const built = templateOf(node, reading, depth);
    return 'value' in built ? { kind: 'literal', value: built.value } : unknownOf(node, built.why);
  }
  if (node.type === 'identifier') {
    if (depth >= MAX_NAME_DEPTH) return unknownOf(node, `the endpoint leads through more than ${MAX_NAME_DEPTH} names`);
    if (--reading.budget.left < 0) return unknownOf(node, `the endpoint is built from more than ${NAME_BUDGET} names`);
    const named = reading.names().valueAt(node, node.text);
    if (named.kind === 'unresolved') return unknownOf(node, named.why);
    const resolved = endpointOf(named.value, reading, depth + 1);
    if (resolved.kind === 'unknown') {
      return unknownOf(node, resolved.why ?? `${node.text} is assigned ${resolved.text} (line ${named.value.startPosition.row + 1}), known only when the code runs`);
    }
    return { ...resolved, via: bounded(node.text) };
  }
  return unknownOf(node);
}

/** An f-string (or plain string) whose every part is a literal or a name assigned a literal: its value; else why not. */
function templateOf(node: Node, reading: Reading, depth: number): { value: string } | { why: string } {
  if (node.type === 'concatenated_string') {
    let value = '';
    for (const part of node.namedChildren) {
      if (!part || part.type === 'comment') continue;
      const built = templateOf(part, reading, depth);
      if (!('value' in built)) return built;
      value += built.value;
    }
    return { value };
  }
  if (node.type !== 'string') return { why: `${bounded(node.text)} is not a string` };
  const prefix = node.namedChildren.find((c) => c?.type === 'string_start')?.text ?? '';
  if (/[bB]/.test(prefix)) return { why: 'bytes are not an endpoint' };
  const raw = /[rR]/.test(prefix);
  const formatted = /[fF]/.test(prefix);
  let value = '';
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'string_content') {
      const text = formatted ? child.text.replace(/\{\{/g, '{').replace(/\}\}/g, '}') : child.text;
      value += raw ? text : decodeEscapes(text);
    } else if (child.type === 'interpolation') {
      const expression = child.childForFieldName('expression');
      if (!expression || child.childForFieldName('type_conversion') || child.childForFieldName('format_specifier')) {
        return { why: `${bounded(child.text)} formats a value only the running code has` };
      }
      const part = endpointOf(expression, reading, depth + 1);
      if (part.kind === 'literal') value += part.value;
      else if (part.kind === 'environment') return { why: `${bounded(child.text)} reads the environment variable ${part.variable} inside an f-string` };
      else return { why: part.why ?? `${bounded(child.text)} is known only when the code runs` };
    }
  }
  return { value };
}

function readClientCall(node: Node, reading: Reading): ClientCall | undefined {
  const { bindings } = reading;
  const fn = node.childForFieldName('function');
  if (!fn) return undefined;
  const calledAs = bounded(fn.text.replace(/\s+/g, ''));
  // `BlobServiceClient.from_connection_string(...)`: a key, not a token.
  if (fn.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'from_connection_string') {
    const client = resolveClass(fn.childForFieldName('object'), bindings);
    if (!client) return undefined;
    return { client, service: CLIENT_CLASSES[client]!.service, calledAs, range: rangeOf(node), construction: 'connectionString', endpoint: undefined };
  }
  const client = resolveClass(fn, bindings);
  if (!client) return undefined;
  const info = CLIENT_CLASSES[client]!;
  const args = argumentsOf(node);
  const keyword = args.find((a) => a.type === 'keyword_argument' && a.childForFieldName('name')?.text === info.endpointKeyword)?.childForFieldName('value');
  const first = info.positional ? args.find((a) => a.type !== 'keyword_argument') : undefined;
  // `X(*args)`, `X(**settings)`: the endpoint is not in the source.
  const given = keyword ?? (first && first.type !== 'list_splat' && first.type !== 'dictionary_splat' ? first : undefined);
  return { client, service: info.service, calledAs, range: rangeOf(node), construction: 'endpoint', endpoint: given ? endpointOf(given, { ...reading, budget: { left: NAME_BUDGET } }) : undefined };
}

const MAX_CLIENTS = 200;

/** Every client construction of a parsed file, in source order (at most 200). */
export function clientCallsOf(tree: Tree): ClientCall[] {
  const bindings = bindingsOf(importsOf(tree));
  // Only calls through a client class or its module can build a client; `os` is bound to read endpoints.
  const clientNames = [...bindings].filter(([, b]) => b.kind !== 'os').map(([name]) => name);
  if (clientNames.length === 0) return [];
  const calls: ClientCall[] = [];
  let names: NameScopes | undefined;
  const reading: Reading = { bindings, names: () => (names ??= new NameScopes(tree)), budget: { left: NAME_BUDGET } };
  for (const node of callsRootedAt(tree, rootsOf(clientNames))) {
    const call = readClientCall(node, reading);
    if (call) calls.push(call);
    if (calls.length >= MAX_CLIENTS) break;
  }
  return calls.sort((a, b) => a.range.startLine - b.range.startLine || a.range.startColumn - b.range.startColumn);
}

/** Parses `text` and returns its client constructions; a file that does not parse still yields what is readable. */
export async function findClientCalls(text: string, wasmDir?: string): Promise<ClientCall[]> {
  const tree = await parsePython(text, wasmDir);
  try {
    return clientCallsOf(tree);
  } finally {
    tree.delete();
  }
}

/** The endpoint's text where the run's environment decides it; undefined when the source does not tell. */
export function endpointText(endpoint: EndpointSource | undefined, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (!endpoint) return undefined;
  if (endpoint.kind === 'literal') return endpoint.value;
  if (endpoint.kind === 'environment') return env[endpoint.variable] || undefined;
  return undefined;
}
