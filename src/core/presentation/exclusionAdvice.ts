// How to exclude one source, or use only one, in the user's own Python code, for the azure-identity version they
// have: an `AZURE_TOKEN_CREDENTIALS` value where that version reads one, and the `exclude_*` keywords otherwise.
// Pure: the version facts come in as arguments, from the engine's version table.
import * as l10n from '@vscode/l10n';
import { EXCLUDE_KEYWORDS, type CredentialName } from '../chain/types';
import { displayName } from './chainRows';

/** What a version does with AZURE_TOKEN_CREDENTIALS. */
export type TokenCredentialsSupport =
  | { readonly kind: 'ignored' }
  /** `dev` / `prod` only; `excludedBy` lists what each value removes from the chain. */
  | { readonly kind: 'groups'; readonly excludedBy: Readonly<Record<'dev' | 'prod', readonly CredentialName[]>> }
  /** `dev` / `prod` and single class names (`names`, case-insensitive). */
  | { readonly kind: 'groupsAndNames'; readonly excludedBy: Readonly<Record<'dev' | 'prod', readonly CredentialName[]>>; readonly names: readonly CredentialName[] };

export interface VersionFacts {
  readonly version: string;
  /** Chain order of this version. */
  readonly order: readonly CredentialName[];
  /** Sources in the order that are excluded unless their keyword is False. */
  readonly excludedByDefault: readonly CredentialName[];
  readonly tokenCredentials: TokenCredentialsSupport;
}

export interface ExclusionAdvice {
  /** A value for AZURE_TOKEN_CREDENTIALS that achieves it in this version, if any. */
  readonly tokenCredentialsValue: string | undefined;
  /** Python code with the `exclude_*` keywords that achieve it. */
  readonly keywordSnippet: string;
  /** One sentence on what the version supports. */
  readonly explanation: string;
  /** The `exclude_*` keywords as settings values (class name → exclude), so the view can model them. */
  readonly settings: Readonly<Partial<Record<CredentialName, boolean>>>;
}

function snippet(keywords: ReadonlyArray<readonly [CredentialName, boolean]>): string {
  if (keywords.length === 0) return 'credential = DefaultAzureCredential()';
  const args = keywords.map(([credential, exclude]) => `    ${EXCLUDE_KEYWORDS[credential]}=${exclude ? 'True' : 'False'},`);
  return ['credential = DefaultAzureCredential(', ...args, ')'].join('\n');
}

export function exclusionAdvice(credential: CredentialName, facts: VersionFacts, mode: 'exclude' | 'pin'): ExclusionAdvice {
  const name = displayName(credential);
  const support = facts.tokenCredentials;
  if (mode === 'exclude') {
    const keywords: Array<[CredentialName, boolean]> = [[credential, true]];
    // A group value fits only when the group is exactly "this source and nothing the user still needs" — never
    // true for one source, so exclusion is always the keyword.
    return {
      tokenCredentialsValue: undefined,
      keywordSnippet: snippet(keywords),
      explanation: l10n.t('azure-identity {0} removes {1} from the chain with {2}.', facts.version, name, `${EXCLUDE_KEYWORDS[credential]}=True`),
      settings: Object.fromEntries(keywords),
    };
  }
  // Pin: every other source in the chain off, this one on (even if excluded by default).
  const keywords: Array<[CredentialName, boolean]> = [];
  for (const other of facts.order) {
    if (other === credential) {
      if (facts.excludedByDefault.includes(other)) keywords.push([other, false]);
    } else if (!facts.excludedByDefault.includes(other)) {
      keywords.push([other, true]);
    }
  }
  let tokenCredentialsValue: string | undefined;
  let explanation: string;
  if (support.kind === 'groupsAndNames' && support.names.includes(credential)) {
    tokenCredentialsValue = credential;
    explanation = l10n.t('azure-identity {0} uses only {1} when {2}; or pass the keywords.', facts.version, name, `AZURE_TOKEN_CREDENTIALS=${credential}`);
  } else if (support.kind === 'ignored') {
    explanation = l10n.t('azure-identity {0} ignores AZURE_TOKEN_CREDENTIALS; the exclude_* keywords leave only {1}.', facts.version, name);
  } else {
    // Offer the group that keeps this source, when there is one; it narrows the chain without naming one source.
    const keeps = (['dev', 'prod'] as const).find((value) => !support.excludedBy[value].includes(credential) &&
      facts.order.filter((c) => c !== credential && !facts.excludedByDefault.includes(c)).some((c) => support.excludedBy[value].includes(c)));
    tokenCredentialsValue = keeps;
    explanation = keeps
      ? l10n.t('azure-identity {0} cannot name one source in AZURE_TOKEN_CREDENTIALS; "{1}" narrows the chain to a group with {2}, the keywords leave only {2}.', facts.version, keeps, name)
      : l10n.t('azure-identity {0} cannot name one source in AZURE_TOKEN_CREDENTIALS; the exclude_* keywords leave only {1}.', facts.version, name);
  }
  return { tokenCredentialsValue, keywordSnippet: snippet(keywords), explanation, settings: Object.fromEntries(keywords) };
}
