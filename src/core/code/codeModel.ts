// The credential construction of one Python file, as the chain models it: the command line's `chain --code
// app.py[:12]` reads that file with the product's bounded reader (a repository's file is hostile input: a FIFO, a
// device or a huge file is refused) and the same tree-sitter reader the editor uses, picks the call at or after the
// line (else the first one), and turns it into the engine's input exactly as the Credential Chain view does:
// DefaultAzureCredential's literal keyword arguments, a ChainedTokenCredential's members in the order written, or a
// credential built on its own (`AzureCliCredential(tenant_id=…)`) as the one member.
import * as l10n from '@vscode/l10n';
import { readBoundedText } from '../files/boundedRead';
import { chainedMembersOf, isLoneCall, loneMemberOf, memberText, modellableCalls, type ChainedMember } from '../chain/chained';
import { EXCLUDE_KEYWORDS, STRING_KEYWORDS, type CodeOverrides, type CredentialName, type KeywordArguments } from '../chain/types';
import { describeCall } from '../python/keywords';
import { findCredentialCalls, keywordArgumentsOf, type CredentialCall } from './credentialCalls';

/** What `--code` names: a file, and optionally the 1-based line from which to look for the call. */
export interface CodeLocation { readonly file: string; readonly line?: number }

/** The call a check models, with what the source does not tell; `--json` carries it as the report's `code`. */
export type CodeCallModel = {
  /** The file as the user named it, and the 1-based line where the call starts. */
  readonly file: string;
  readonly line: number;
  /** "DefaultAzureCredential at app.py:12". */
  readonly where: string;
  /** The call as modelled, in Python: `DefaultAzureCredential(exclude_cli_credential=True)`. */
  readonly call: string;
  /** What the source cannot tell: keywords whose value is not a literal, `**kwargs`, members that are variables. */
  readonly notKnown: readonly string[];
  /** Keywords written in the call that the chain model does not read (checked as if not passed). */
  readonly notModelled: readonly string[];
  /**
   * Keywords written in the call that cannot change this answer: `additionally_allowed_tenants` matters only when the
   * code asks for a token of another tenant (`get_token(..., tenant_id=…)`); the check asks for the default one.
   */
  readonly noEffect: readonly string[];
} & (
  | { readonly credential: 'DefaultAzureCredential'; readonly keywordArguments: KeywordArguments }
  | { readonly credential: 'ChainedTokenCredential'; readonly members: readonly ChainedMember[] }
  /** A credential built on its own: `members` is that one credential, and its get_token raises its own error. */
  | { readonly credential: CredentialName; readonly members: readonly [ChainedMember]; readonly lone: true }
);

/** `app.py:12` → file and line; a name without a trailing `:<digits>` is the whole file. */
export function parseCodeLocation(value: string): CodeLocation {
  const match = /^(.+):(\d+)$/s.exec(value);
  if (!match) return { file: value };
  const line = Number(match[2]);
  if (!Number.isSafeInteger(line) || line < 1) throw new CodeLocationError(l10n.t('--code {0}: the line must be 1 or more.', value));
  return { file: match[1]!, line };
}

/** `--code` names no usable call: a usage error (exit status 2), with a sentence that says why. */
export class CodeLocationError extends Error {
  override readonly name = 'CodeLocationError';
}

const MODELLED_KEYWORDS = new Set<string>([...Object.values(EXCLUDE_KEYWORDS), ...Object.values(STRING_KEYWORDS), 'process_timeout', 'require_envvar', 'tenant_id']);
const NO_EFFECT_KEYWORDS = new Set<string>(['additionally_allowed_tenants']);

/** The modelled form of one call (`file` and `line` say where it is, for the header). */
export function codeCallModel(call: CredentialCall, file: string): CodeCallModel | undefined {
  const line = call.range.startLine + 1;
  if (call.credential === 'DefaultAzureCredential') {
    const modelled = keywordArgumentsOf(call);
    const notModelled = [...call.keywords.keys()].filter((k) => !MODELLED_KEYWORDS.has(k) && !NO_EFFECT_KEYWORDS.has(k));
    const noEffect = [...call.keywords.keys()].filter((k) => NO_EFFECT_KEYWORDS.has(k));
    return {
      file, line, where: l10n.t('{0} at {1}:{2}', 'DefaultAzureCredential', file, line), credential: 'DefaultAzureCredential',
      call: describeCall(modelled.keywordArguments), keywordArguments: modelled.keywordArguments, notKnown: modelled.unknown, notModelled, noEffect,
    };
  }
  if (call.credential === 'ChainedTokenCredential') {
    const members = chainedMembersOf(call);
    const notKnown = members.flatMap((m, index) => (m.kind === 'unknown' ? [l10n.t('member {0} ({1})', index + 1, m.text)]
      : (m.unknownValues ?? []).map((keyword) => l10n.t('{0} of member {1}', keyword, index + 1))));
    return {
      file, line, where: l10n.t('{0} at {1}:{2}', 'ChainedTokenCredential', file, line), credential: 'ChainedTokenCredential',
      call: `ChainedTokenCredential(${members.map(memberText).join(', ')})`, members, notKnown, notModelled: [], noEffect: [],
    };
  }
  const member = loneMemberOf(call);
  if (member.kind !== 'credential') return undefined;
  return {
    file, line, where: l10n.t('{0} at {1}:{2}', member.credential, file, line), credential: member.credential, lone: true,
    call: memberText(member), members: [member], notKnown: member.unknownValues ?? [], notModelled: member.ignoredKeywords, noEffect: [],
  };
}

/** The modellable call of a file's text: the first at or after `line` (a call spanning it counts), else the first. */
export async function codeCallIn(text: string, location: CodeLocation, wasmDir?: string): Promise<CodeCallModel> {
  const calls = modellableCalls(await findCredentialCalls(text, wasmDir));
  const from = location.line !== undefined ? location.line - 1 : undefined;
  // Without a line, the file's DefaultAzureCredential or ChainedTokenCredential comes first: a credential built on
  // its own is often a side one (a client's credential=); with a line, the call there is the one meant.
  const call = from === undefined ? calls.find((c) => !isLoneCall(c)) ?? calls[0] : calls.find((c) => c.range.endLine >= from);
  if (!call) {
    throw new CodeLocationError(from === undefined
      ? l10n.t('{0} builds no credential imported from azure.identity that the chain models (DefaultAzureCredential, ChainedTokenCredential, or a source of the chain built on its own).', location.file)
      : l10n.t('{0} builds no credential that the chain models at or after line {1}.', location.file, location.line!));
  }
  return codeCallModel(call, location.file)!;
}

/** Reads the file `--code` names (a regular file of at most 1 MB) and returns the call the chain models. */
export async function readCodeCall(location: CodeLocation, signal?: AbortSignal, wasmDir?: string): Promise<CodeCallModel> {
  const text = await readBoundedText(location.file, 'workspaceSource', { ...(signal ? { signal } : {}) });
  return codeCallIn(text, location, wasmDir);
}

/** The readable lines the CLI prints above the table. */
export function codeCallLines(model: CodeCallModel, overrides: CodeOverrides): string[] {
  const lines = ['lone' in model
    ? l10n.t('Code: {0} — built on its own', model.where)
    : model.credential === 'ChainedTokenCredential'
    ? l10n.t('Code: {0} — {1} members, in the order written', model.where, model.members.length)
    : l10n.t('Code: {0}', model.where)];
  lines.push(`  ${model.call}`);
  if (model.notKnown.length) lines.push(l10n.t('  Not known from the source: {0}', model.notKnown.join(', ')));
  if (model.notModelled.length) lines.push(l10n.t('  Not modelled (checked as if not passed): {0}', model.notModelled.join(', ')));
  if (model.noEffect.length) lines.push(l10n.t('  No effect on this answer: {0} (only for tokens the code asks of another tenant)', model.noEffect.join(', ')));
  if (overrides.applied.length) lines.push(l10n.t('  The command line overrides the code: {0}', overrides.applied.join(' ')));
  if (overrides.notApplied.length) lines.push(l10n.t('  Not applied: {0} — {1} has no such keywords', overrides.notApplied.join(' '), 'lone' in model ? model.credential : 'ChainedTokenCredential'));
  return lines;
}
