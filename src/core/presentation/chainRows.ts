// How a chain report looks to a person: one row per source with a state, an icon, a short description and a
// Markdown tooltip. Pure (no `vscode`): the tree view, the status bar and the CLI table all read from here, so
// they can never disagree about what a state means.

import * as l10n from '@vscode/l10n';
import { secretText } from '../chain/notChecked';
import type { SourceResult, TokenIdentity, Verdict } from '../chain/types';

/** One source as the engine reports it (the shape of `chain --json`'s `sources[]`). */
export type PresentableSource = Pick<SourceResult,
  'credential' | 'status' | 'reached' | 'decisive' | 'message' | 'identity' | 'expiresOn' | 'elapsedMs' | 'unverifiedHost' | 'unverifiedProgram'> & Partial<Pick<SourceResult, 'unverifiedSecret' | 'notCheckedReason'>>;

export type PresentableIdentity = TokenIdentity;

export type PresentableVerdict = Pick<Verdict, 'outcome' | 'credential' | 'message'> & Partial<Pick<Verdict, 'raisingCall' | 'exceptionType'>>;

/** What a row shows, in the words of a developer: the Python code's fate at this source. */
export type RowState =
  | 'token'        // the chain ends here with a token: the active source
  | 'stopsChain'   // the chain ends here with an error: Python raises
  | 'unavailable'  // Python tries it and moves on
  | 'notReached'   // Python never gets here (an earlier source decided)
  | 'excluded'     // not part of the chain (default exclusion, keyword or AZURE_TOKEN_CREDENTIALS)
  | 'notChecked'   // Python would send a secret, run a workspace's program or wait for a sign-in; we did not, so its answer is unknown
  | 'probing';     // being checked right now

/** Codicon and theme colour per state; colours are theme colour ids so every theme renders them. The label is looked up
 * when read, in the catalog's language. */
export const ROW_STATE_STYLE: Readonly<Record<RowState, { icon: string; color: string | undefined; label: string }>> = {
  token: { icon: 'pass-filled', color: 'testing.iconPassed', get label() { return l10n.t('Active: Python gets its token here'); } },
  stopsChain: { icon: 'error', color: 'testing.iconFailed', get label() { return l10n.t('Stops the chain: Python raises here'); } },
  unavailable: { icon: 'circle-slash', color: 'disabledForeground', get label() { return l10n.t('Unavailable: Python moves on'); } },
  notReached: { icon: 'circle-outline', color: 'disabledForeground', get label() { return l10n.t('Not reached'); } },
  excluded: { icon: 'remove', color: 'disabledForeground', get label() { return l10n.t('Excluded from the chain'); } },
  notChecked: { icon: 'shield', color: 'problemsWarningIcon.foreground', get label() { return l10n.t('Not checked: it would send a secret to an unverified host'); } },
  probing: { icon: 'loading~spin', color: undefined, get label() { return l10n.t('Checking…'); } },
};

const DISPLAY_NAMES: Readonly<Record<string, string>> = {
  EnvironmentCredential: 'Environment',
  WorkloadIdentityCredential: 'Workload Identity',
  ManagedIdentityCredential: 'Managed Identity',
  SharedTokenCacheCredential: 'Shared Token Cache',
  VisualStudioCodeCredential: 'Visual Studio Code',
  AzureCliCredential: 'Azure CLI',
  AzurePowerShellCredential: 'Azure PowerShell',
  AzureDeveloperCliCredential: 'Azure Developer CLI',
  InteractiveBrowserCredential: 'Interactive Browser',
  BrokerCredential: 'Broker',
};

/** "Azure CLI" for AzureCliCredential; unknown class names are shown as they are. */
export function displayName(credential: string): string {
  return DISPLAY_NAMES[credential] ?? credential;
}

export function rowState(source: PresentableSource, probing = false): RowState {
  if (probing) return 'probing';
  if (source.status === 'excluded') return 'excluded';
  // Only a source Python would reach matters: an unreached one never sends anything, so there is nothing to check.
  if (source.status === 'not-checked') return source.reached || source.decisive ? 'notChecked' : 'notReached';
  // A constructor error is decisive without a get_token call: DefaultAzureCredential() raises at this source.
  if (source.decisive) return source.status === 'succeeded' ? 'token' : 'stopsChain';
  if (!source.reached) return 'notReached';
  return 'unavailable';
}

/**
 * The short identity a person recognises: the user name part of a UPN, or a service principal's name (its app id
 * until Microsoft Graph has named it).
 */
export function shortIdentity(identity: PresentableIdentity | null): string | undefined {
  if (!identity) return undefined;
  if (identity.upn) return identity.upn.split('@')[0];
  if (identity.appId && identity.displayName) return identity.displayName;
  if (identity.appId) return l10n.t('app {0}…', identity.appId.slice(0, 8));
  return identity.objectId ? l10n.t('object {0}…', identity.objectId.slice(0, 8)) : undefined;
}

export function fullIdentity(identity: PresentableIdentity | null): string | undefined {
  if (!identity) return undefined;
  if (identity.upn) return identity.upn;
  if (identity.appId && identity.displayName) return l10n.t('service principal {0} ({1})', identity.displayName, identity.appId);
  if (identity.appId) return l10n.t('service principal {0}', identity.appId);
  return identity.objectId ? l10n.t('object {0}', identity.objectId) : undefined;
}

/** What the user's Python code does at this source, in one sentence. */
export function consequence(state: RowState, source: PresentableSource): string {
  switch (state) {
    case 'token': return source.identity
      ? l10n.t("`DefaultAzureCredential` returns this source's token, signed in as {0}; later sources are not tried.", fullIdentity(source.identity) ?? '')
      : l10n.t("`DefaultAzureCredential` returns this source's token; later sources are not tried.");
    case 'stopsChain': return l10n.t('`DefaultAzureCredential` raises `ClientAuthenticationError` here: this error is not one the chain skips, so later sources are never tried.');
    case 'unavailable': return l10n.t('Python tries this source, finds it unavailable, and moves on to the next one.');
    case 'notReached': return source.status === 'succeeded'
      ? l10n.t('Would yield a token, but an earlier source decides first, so Python never gets here.')
      : l10n.t('An earlier source decides first, so Python never tries this one.');
    case 'excluded': return l10n.t('Not part of the chain with the current settings, so Python skips it.');
    case 'notChecked': if (source.unverifiedProgram) {
      return l10n.t("Python would run {0} when your app runs: a PATH entry that the workspace's .env adds finds it. Azure Dev Auth does not run a program the workspace names on its own, so it cannot tell what Python would get. Run it only if you trust this workspace.", source.unverifiedProgram);
    }
    if (source.notCheckedReason === 'interactive') {
      return l10n.t('Python would wait here for someone to sign in, in a browser or at the address it prints. Azure Dev Auth does not start interactive sign-ins, so it cannot tell what Python would get.');
    }
    if (source.notCheckedReason === 'arcKeyFile') {
      return l10n.t('Python would read the key file that the Azure Arc challenge names and send its contents, although newer versions of azure-identity refuse that file. Azure Dev Auth did not read it, so it cannot tell what Python would get.');
    }
    return l10n.t('Python would send {0} to {1} when your app runs. That host is neither a Microsoft Entra authority nor this machine, so Azure Dev Auth did not send it and cannot tell what Python would get. Check with this host to find out.', unverifiedPayload(source), source.unverifiedHost ?? l10n.t('this host'));
    case 'probing': return l10n.t('Being checked.');
  }
}

/** Markdown-safe text: Azure and tool messages are shown as text, never interpreted. */
export function markdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`).replace(/\r?\n/g, '  \n');
}

export interface ChainRowModel {
  readonly credential: string;
  readonly label: string;
  readonly description: string;
  readonly state: RowState;
  readonly icon: string;
  readonly color: string | undefined;
  /** Markdown; every value that came from outside is escaped. */
  readonly tooltip: string;
}

/**
 * @param lone the source is a credential the code builds on its own: its error is what the code gets, with no chain
 *   around it, so the row says "raises", not "stops the chain".
 */
export function describeSource(source: PresentableSource, probing = false, now = Date.now(), lone = false): ChainRowModel {
  const state = rowState(source, probing);
  const style = ROW_STATE_STYLE[state];
  const who = shortIdentity(source.identity);
  const description = state === 'notChecked' ? notCheckedDescription(source)
    : state === 'token' ? l10n.t('{0} · active', who ?? l10n.t('token'))
    : state === 'notReached' && source.status === 'succeeded' && who ? l10n.t('{0} · not reached', who)
      : state === 'probing' ? l10n.t('checking…')
        : state === 'stopsChain' ? (lone ? l10n.t('raises') : l10n.t('stops the chain'))
          : state === 'excluded' ? l10n.t('excluded')
            : state === 'notReached' ? l10n.t('not reached')
              : l10n.t('unavailable');
  const label = state === 'notChecked' ? notCheckedLabel(source) : lone && state === 'stopsChain' ? l10n.t('Python raises here') : style.label;
  const lines = [`**${markdownText(displayName(source.credential))}** (\`${source.credential}\`) — ${label}`, ''];
  if (source.message) lines.push('```text', source.message.replace(/```/g, "'''"), '```', '');
  if (source.identity) {
    const id = source.identity;
    if (id.upn) lines.push(`- ${l10n.t('Signed in as: {0}', markdownText(id.upn))}`);
    if (id.appId && !id.upn) {
      // A token names an app only by its id: its name is Graph's, known once the Access view (or the page that made
      // the app) has read it; Graph answers an app reading itself only if it may read the directory.
      lines.push(id.displayName
        ? `- ${l10n.t('Service principal: {0}', markdownText(id.displayName))}`
        : `- ${l10n.t('Service principal: name not known yet (a token carries only the app id; the Access view reads the name from Microsoft Graph, which tells it only to an identity allowed to read the directory)')}`);
    }
    if (id.appId) lines.push(`- ${l10n.t('Application (client) ID: {0}', markdownText(id.appId))}`);
    if (id.objectId) lines.push(`- ${l10n.t('Object ID: {0}', markdownText(id.objectId))}`);
    if (id.tenantId) lines.push(`- ${l10n.t('Tenant: {0}', markdownText(id.tenantId))}`);
  }
  if (source.expiresOn) lines.push(`- ${l10n.t('Token expires: {0}', markdownText(formatExpiry(source.expiresOn, now)))}`);
  if (state !== 'excluded' && state !== 'probing') lines.push(`- ${l10n.t('Checked in {0} ms', source.elapsedMs)}`);
  lines.push('', lone ? loneConsequence(state, source) : consequence(state, source));
  return {
    credential: source.credential,
    label: displayName(source.credential),
    description,
    state,
    icon: style.icon,
    color: style.color,
    tooltip: lines.join('\n'),
  };
}

/** What the code gets from a credential built on its own, in one sentence. */
function loneConsequence(state: RowState, source: PresentableSource): string {
  const raised = source.status === 'unavailable' ? 'CredentialUnavailableError' : 'ClientAuthenticationError';
  switch (state) {
    case 'token': return l10n.t('`{0}` is built on its own and returns this token to your code.', source.credential);
    case 'stopsChain': return l10n.t('`{0}` is built on its own: its get_token raises `{1}` with this message, and nothing else is tried.', source.credential, raised);
    default: return consequence(state, source);
  }
}

/** What a not-checked source would send ("the federated token"); a neutral phrase when the report does not say. */
export function unverifiedPayload(source: Pick<PresentableSource, 'unverifiedSecret'>): string {
  return source.unverifiedSecret ? secretText(source.unverifiedSecret) : l10n.t('its secret');
}

/** The state's words for a not-checked source, by what was held back. */
function notCheckedLabel(source: Pick<PresentableSource, 'unverifiedProgram' | 'notCheckedReason'>): string {
  if (source.unverifiedProgram) return l10n.t('Not checked: it would run a program the workspace names');
  if (source.notCheckedReason === 'interactive') return l10n.t('Not checked: it waits for an interactive sign-in');
  if (source.notCheckedReason === 'arcKeyFile') return l10n.t('Not checked: it would send a key file that newer versions refuse');
  return ROW_STATE_STYLE.notChecked.label;
}

/** "not checked: would send the federated token to evil.example" — the row's description. */
export function notCheckedDescription(source: Pick<PresentableSource, 'unverifiedHost' | 'unverifiedProgram' | 'unverifiedSecret' | 'notCheckedReason'>): string {
  if (source.unverifiedProgram) return l10n.t("not checked: would run the workspace's {0}", source.unverifiedProgram);
  if (source.notCheckedReason === 'interactive') return l10n.t('not checked: waits for an interactive sign-in');
  if (source.notCheckedReason === 'arcKeyFile') return l10n.t('not checked: would send a key file newer versions refuse');
  return l10n.t('not checked: would send {0} to {1}', unverifiedPayload(source), source.unverifiedHost ?? l10n.t('an unverified host'));
}

/** "2026-11-22 14:03 (in 58 min)" — local time plus how long is left. */
export function formatExpiry(iso: string, now = Date.now()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const minutes = Math.round((at.getTime() - now) / 60_000);
  const rel = minutes < 0 ? l10n.t('expired {0} min ago', -minutes) : minutes < 120 ? l10n.t('in {0} min', minutes) : l10n.t('in {0} h', Math.round(minutes / 60));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())} (${rel})`;
}

/** The one-line headline of a verdict, for the top of the view and the status bar. */
export function verdictHeadline(verdict: PresentableVerdict, sources: readonly PresentableSource[]): string {
  if (verdict.outcome === 'token' && verdict.credential) {
    const who = fullIdentity(sources.find((s) => s.credential === verdict.credential)?.identity ?? null);
    return who ? l10n.t('Python signs in as {0} through {1}', who, displayName(verdict.credential)) : l10n.t('Python signs in through {0}', displayName(verdict.credential));
  }
  if (verdict.outcome === 'constructor-error') {
    if (verdict.raisingCall && verdict.raisingCall === verdict.credential) return l10n.t('{0}(...) raises: {1}', verdict.raisingCall, firstLine(verdict.message));
    return verdict.raisingCall
      ? l10n.t('{0}(...) raises while building {1}: {2}', verdict.raisingCall, verdict.credential ?? l10n.t('a member'), firstLine(verdict.message))
      : l10n.t('DefaultAzureCredential() itself raises: {0}', firstLine(verdict.message));
  }
  if (verdict.outcome === 'not-checked') {
    const source = sources.find((s) => s.credential === verdict.credential);
    const where = verdict.credential ? displayName(verdict.credential) : l10n.t('A source');
    // No source held back (a ChainedTokenCredential member the source cannot tell): the verdict says what is unknown.
    if (!source) return l10n.t('Not checked: {0}', firstLine(verdict.message));
    if (source.unverifiedProgram) return l10n.t("Not checked: {0} would run the workspace's {1}", where, source.unverifiedProgram);
    if (source.notCheckedReason === 'interactive') return l10n.t('Not checked: {0} waits for an interactive sign-in', where);
    if (source.notCheckedReason === 'arcKeyFile') return l10n.t('Not checked: {0} would send a key file that newer versions refuse', where);
    return source?.unverifiedHost
      ? l10n.t('Not checked: {0} would send {1} to {2}', where, unverifiedPayload(source), source.unverifiedHost)
      : l10n.t('Not checked: {0} would send a secret to an unverified host', where);
  }
  if (verdict.outcome === 'failure' && verdict.credential && verdict.exceptionType) {
    // A credential built on its own: its get_token raises its own error, no chain's list.
    return l10n.t('{0}.get_token raises {1}: {2}', verdict.credential, verdict.exceptionType, firstLine(verdict.message));
  }
  if (verdict.credential) {
    // The aggregate message starts with a generic sentence; the deciding source's own error is what explains it.
    const decisive = sources.find((s) => s.credential === verdict.credential);
    return l10n.t('The chain fails at {0}: {1}', displayName(verdict.credential), firstLine(decisive?.message || verdict.message));
  }
  return l10n.t('The chain fails: no source can provide a token');
}

export function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim()) ?? '').trim();
}
