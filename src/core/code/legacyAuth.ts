// Authentication of the track-1 generation in a Python file, read from its syntax tree: azure-common's retired
// client factories (`get_client_from_cli_profile`, `get_client_from_auth_file`, `get_client_from_json_dict`), the
// msrestazure / azure.common.credentials credential classes, and azure-mgmt-* clients built with the track-1
// `credentials=` keyword. None of them can be served by DefaultAzureCredential: the factories build their own
// credentials, the track-1 clients call `credentials.signed_session()`, which azure-identity's credentials lack.
import type { Node, Tree } from '@vscode/tree-sitter-wasm';
import type { CodeProblem, ProblemFix } from './codeProblems';
import type { SourceRange } from './credentialCalls';
import { callsRootedAt, dotted, importsOf, rootsOf, treeText, type ImportFacts } from './syntaxSearch';
import * as l10n from '@vscode/l10n';

export type LegacyUsage =
  | { readonly kind: 'client-factory'; readonly name: string; readonly range: SourceRange; readonly clientClass: string | undefined }
  | {
    readonly kind: 'track1-credential'; readonly name: string; readonly module: string; readonly range: SourceRange; readonly replacement: string | undefined;
    /** The import the replacement needs, and the line to put it on (that of the file's first import); none when the name is imported already. */
    readonly importNeeded: { readonly line: number; readonly text: string } | undefined;
  }
  | {
    readonly kind: 'mgmt-client'; readonly name: string; readonly distribution: string; readonly range: SourceRange;
    /** Where `credentials=` is written (its name only), when it is. */
    readonly credentialsKeyword: SourceRange | undefined;
  };

const FACTORY_MODULE = 'azure.common.client_factory';
const FACTORIES = new Set(['get_client_from_cli_profile', 'get_client_from_auth_file', 'get_client_from_json_dict']);
const CREDENTIAL_MODULES = new Set(['azure.common.credentials', 'msrestazure.azure_active_directory']);
const TRACK1_CREDENTIALS = new Set([
  'ServicePrincipalCredentials', 'UserPassCredentials', 'MSIAuthentication', 'AADTokenCredentials', 'AdalAuthentication',
  'BasicTokenAuthentication', 'get_azure_cli_credentials', 'get_cli_profile',
]);
const MAX_TEXT = 120;
const MAX_USAGES = 200;

type Binding =
  | { readonly kind: 'factory'; readonly name: string }
  | { readonly kind: 'credential'; readonly name: string; readonly module: string }
  | { readonly kind: 'mgmt-client'; readonly name: string; readonly distribution: string }
  | { readonly kind: 'module'; readonly module: string };

function rangeOf(node: Node): SourceRange {
  return { startLine: node.startPosition.row, startColumn: node.startPosition.column, endLine: node.endPosition.row, endColumn: node.endPosition.column };
}

/** `azure.mgmt.compute.v2019_07_01` → `azure-mgmt-compute`. */
function mgmtDistribution(module: string): string | undefined {
  const parts = module.split('.');
  return parts.length >= 3 && parts[0] === 'azure' && parts[1] === 'mgmt' && /^\w+$/.test(parts[2]!) ? `azure-mgmt-${parts[2]!.replace(/_/g, '-')}` : undefined;
}

function bindingFor(module: string, name: string): Binding | undefined {
  if (module === FACTORY_MODULE && FACTORIES.has(name)) return { kind: 'factory', name };
  if (CREDENTIAL_MODULES.has(module) && TRACK1_CREDENTIALS.has(name)) return { kind: 'credential', name, module };
  const distribution = mgmtDistribution(module);
  if (distribution && /Client$/.test(name)) return { kind: 'mgmt-client', name, distribution };
  const full = `${module}.${name}`;
  if (full === FACTORY_MODULE || CREDENTIAL_MODULES.has(full) || mgmtDistribution(full)) return { kind: 'module', module: full };
  return undefined;
}

function bindingsOf(imports: readonly ImportFacts[]): Map<string, Binding> {
  const bindings = new Map<string, Binding>();
  for (const statement of imports) {
    if (statement.type === 'import_from_statement') {
      const module = statement.module;
      if (!module) continue;
      for (const { original, local } of statement.names) {
        const binding = original ? bindingFor(module, original) : undefined;
        if (binding && local) bindings.set(local, binding);
      }
    } else if (statement.type === 'import_statement') {
      for (const { original: module, local } of statement.names) {
        if (!module || !(module === FACTORY_MODULE || CREDENTIAL_MODULES.has(module) || mgmtDistribution(module))) continue;
        if (local) bindings.set(local, { kind: 'module', module });
      }
    }
  }
  return bindings;
}

function resolve(fn: Node | null, bindings: ReadonlyMap<string, Binding>): Exclude<Binding, { kind: 'module' }> | undefined {
  if (!fn) return undefined;
  if (fn.type === 'identifier') {
    const b = bindings.get(fn.text);
    return b && b.kind !== 'module' ? b : undefined;
  }
  if (fn.type === 'attribute') {
    const attribute = fn.childForFieldName('attribute')?.text;
    const object = dotted(fn.childForFieldName('object'));
    if (!attribute || !object) return undefined;
    const b = bindings.get(object);
    if (b?.kind !== 'module') return undefined;
    const inner = bindingFor(b.module, attribute);
    return inner && inner.kind !== 'module' ? inner : undefined;
  }
  return undefined;
}

/** What azure-identity credential replaces a track-1 one, as a call expression, when the mapping is plain. */
function replacementFor(name: string, args: Node | null): string | undefined {
  const keywords = new Map<string, string>();
  const positional: string[] = [];
  for (const arg of args?.namedChildren ?? []) {
    if (!arg || arg.type === 'comment') continue;
    if (arg.type === 'keyword_argument') {
      const key = arg.childForFieldName('name')?.text;
      const value = arg.childForFieldName('value')?.text;
      if (key && value) keywords.set(key, value);
    } else if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') {
      return undefined;
    } else positional.push(arg.text);
  }
  if (name === 'ServicePrincipalCredentials') {
    // msrestazure: ServicePrincipalCredentials(client_id, secret, *, tenant=…); others (cloud_environment…) have no plain mapping.
    const clientId = keywords.get('client_id') ?? positional[0];
    const secret = keywords.get('secret') ?? positional[1];
    const tenant = keywords.get('tenant');
    const known = new Set(['client_id', 'secret', 'tenant']);
    if (!clientId || !secret || !tenant || positional.length > 2 || [...keywords.keys()].some((k) => !known.has(k))) return undefined;
    return `ClientSecretCredential(tenant_id=${tenant}, client_id=${clientId}, client_secret=${secret})`;
  }
  if (name === 'MSIAuthentication' && positional.length === 0) {
    const clientId = keywords.get('client_id');
    if ([...keywords.keys()].some((k) => k !== 'client_id' && k !== 'resource')) return undefined;
    return clientId ? `ManagedIdentityCredential(client_id=${clientId})` : 'ManagedIdentityCredential()';
  }
  return undefined;
}

/** The track-1 authentication a parsed file uses, in source order (at most 200). */
export function legacyAuthOf(tree: Tree): LegacyUsage[] {
  const text = treeText(tree);
  if (!text.includes('azure.common') && !text.includes('msrestazure') && !text.includes('azure.mgmt')) return [];
  const imports = importsOf(tree);
  const bindings = bindingsOf(imports);
  if (bindings.size === 0) return [];
  const usages: LegacyUsage[] = [];
  const firstImport = imports.find((i) => i.type !== 'future_import_statement' && i.node.parent?.type === 'module')?.node;
  const importedIdentity = new Set<string>();
  for (const statement of imports) {
    if (statement.type === 'import_from_statement' && /^azure\.identity(\.aio)?$/.test(statement.module ?? '')) {
      for (const name of statement.names) if (!name.aliased) importedIdentity.add(name.text);
    }
  }
  for (const call of callsRootedAt(tree, rootsOf(bindings.keys()))) {
    const fn = call.childForFieldName('function');
    const binding = resolve(fn, bindings);
    if (!binding) continue;
    const args = call.childForFieldName('arguments');
    const name = (fn?.text ?? binding.name).slice(0, MAX_TEXT);
    if (binding.kind === 'factory') {
      const first = args?.namedChildren.find((c) => c !== null && c.type !== 'comment' && c.type !== 'keyword_argument');
      usages.push({ kind: 'client-factory', name: binding.name, range: rangeOf(call), clientClass: first && /^[\w.]+$/.test(first.text) ? first.text.slice(0, MAX_TEXT) : undefined });
    } else if (binding.kind === 'credential') {
      const written = replacementFor(binding.name, args);
      const replacement = written && written.length <= 4 * MAX_TEXT && !/[\r\n]/.test(written) ? written : undefined;
      const className = replacement?.split('(')[0];
      const importNeeded = className && !importedIdentity.has(className)
        ? { line: firstImport?.startPosition.row ?? 0, text: `from azure.identity import ${className}\n` } : undefined;
      usages.push({ kind: 'track1-credential', name: binding.name, module: binding.module, range: rangeOf(call), replacement, importNeeded });
    } else {
      const keyword = args?.namedChildren.find((c) => c?.type === 'keyword_argument' && c.childForFieldName('name')?.text === 'credentials');
      const keywordName = keyword?.childForFieldName('name');
      usages.push({ kind: 'mgmt-client', name, distribution: binding.distribution, range: rangeOf(call), credentialsKeyword: keywordName ? rangeOf(keywordName) : undefined });
    }
    if (usages.length >= MAX_USAGES) break;
  }
  return usages;
}

/**
 * The problems of these usages. `track1Packages`: the interpreter's azure-mgmt-* distributions of the track-1
 * generation (undefined: the interpreter was not asked); a client of one of them is a problem whatever it is given,
 * a client of another only when written with `credentials=` (the keyword track-2 clients do not have).
 */
export function legacyAuthProblems(usages: readonly LegacyUsage[], track1Packages: readonly { readonly name: string; readonly version: string }[] | undefined): CodeProblem[] {
  const problems: CodeProblem[] = [];
  for (const usage of usages) {
    if (usage.kind === 'client-factory') {
      const client = usage.clientClass ?? 'TheManagementClient';
      problems.push({
        rule: 'retired-client-factory', severity: 'warning', range: usage.range,
        message: l10n.t('{0} (azure-common) is retired: it builds a track-1 credential of its own, which current azure-mgmt-* clients cannot use, and DefaultAzureCredential cannot stand in for it. Build the client with a credential: ', usage.name)
          + `${client}(DefaultAzureCredential(), subscription_id).`,
        fixes: [],
      });
    } else if (usage.kind === 'track1-credential') {
      const fixes: ProblemFix[] = usage.replacement
        ? [{
          kind: 'edit', title: l10n.t('Use {0} (azure-identity)', usage.replacement.split('(')[0]!), range: usage.range, text: usage.replacement, preferred: true,
          ...(usage.importNeeded ? { insert: usage.importNeeded } : {}),
        }]
        : [];
      problems.push({
        rule: 'track1-credentials', severity: 'warning', range: usage.range,
        message: usage.replacement
          ? l10n.t('{0} ({1}) is a track-1 credential: clients of the current Azure libraries need an azure-identity credential, such as DefaultAzureCredential() or {2}.', usage.name, usage.module.split('.')[0]!, usage.replacement.split('(')[0]!)
          : l10n.t('{0} ({1}) is a track-1 credential: clients of the current Azure libraries need an azure-identity credential, such as DefaultAzureCredential().', usage.name, usage.module.split('.')[0]!),
        fixes,
      });
    } else {
      const installed = track1Packages?.find((p) => p.name === usage.distribution);
      if (installed) {
        problems.push({
          rule: 'track1-credentials', severity: 'error', range: usage.range,
          message: l10n.t('{0} {1} in this interpreter is a track-1 library: its clients call credentials.signed_session(), which DefaultAzureCredential does not have (\'DefaultAzureCredential\' object has no attribute \'signed_session\'). Upgrade it.', installed.name, installed.version),
          fixes: [{ kind: 'copy', title: l10n.t('Copy "python -m pip install --upgrade {0}"', installed.name), text: `python -m pip install --upgrade ${installed.name}` }],
        });
      } else if (usage.credentialsKeyword) {
        problems.push({
          rule: 'track1-credentials', severity: 'warning', range: usage.credentialsKeyword,
          message: l10n.t('credentials= is the track-1 keyword: current {0} clients take credential=, such as credential=DefaultAzureCredential().', usage.distribution),
          fixes: [{ kind: 'edit', title: l10n.t('Rename to credential='), range: usage.credentialsKeyword, text: 'credential', preferred: true }],
        });
      }
    }
  }
  return problems;
}
