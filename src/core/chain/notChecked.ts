// Why a source was not checked, as data, and its sentences. A probe says what it stopped (a secret on its way to a
// host, a workspace's program, an interactive sign-in, an Azure Arc key file); the row's reason and the verdict are
// each one whole message of the catalog, so a translation can order its sentence, and the views read the host, the
// secret and the program from the fields, never out of an English phrase.
import * as l10n from '@vscode/l10n';
import type { SecretKind } from './secretHosts';
import { familyLabel, type ChainBehaviour } from './versions';

export type NotCheckedReason =
  /** A request would carry `secret` to `host`, which is neither Microsoft's nor loopback nor allowed. */
  | { readonly kind: 'secret'; readonly secret: SecretKind; readonly host: string }
  /** The tool would be `file`, found through the PATH entry `entry` that the workspace's .env adds. */
  | { readonly kind: 'program'; readonly program: string; readonly file: string; readonly entry: string }
  /** An interactive sign-in: a browser opened (`browser`), or none found and the address printed (`browser` null). */
  | { readonly kind: 'interactive'; readonly browser: string | null; readonly signInAt: string }
  /** The Azure Arc challenge names a key file that newer versions refuse (`problem`, azure-identity's words). */
  | { readonly kind: 'arcKeyFile'; readonly family: ChainBehaviour['family']; readonly keyFile: string; readonly origin: string; readonly problem: string };

/** What would be sent, with its article ("the client secret"). */
export function secretText(secret: SecretKind): string {
  switch (secret) {
    case 'client secret': return l10n.t('the client secret');
    case 'certificate assertion': return l10n.t('the certificate assertion');
    case 'password': return l10n.t('the password');
    case 'federated token': return l10n.t('the federated token');
    case 'refresh token': return l10n.t('the refresh token');
  }
}

/** The row's reason: what the source would do, its name being shown beside it. */
export function notCheckedMessage(reason: NotCheckedReason): string {
  switch (reason.kind) {
    case 'secret':
      return l10n.t('would send {0} to {1}: not checked. Python would send it when your app runs; check with {1} only if you trust it.',
        secretText(reason.secret), reason.host);
    case 'program':
      return l10n.t("Python would run {0}, found through the PATH entry {1} that the workspace's environment (.env) adds. Azure Dev Auth did not run it: not checked. Run it only if you trust this workspace's {2}.",
        reason.file, JSON.stringify(reason.entry), reason.program);
    case 'interactive':
      return reason.browser === null
        ? l10n.t('finds no browser to open, so MSAL prints the sign-in address ({0}) and waits, with no time limit, for someone to open it. Azure Dev Auth does not start interactive sign-ins: what the sign-in would return is not known.', reason.signInAt)
        : l10n.t('opens a browser for sign-in ({0}, at {1}) and waits for someone to sign in. Azure Dev Auth does not start interactive sign-ins: what the sign-in would return is not known.', reason.browser, reason.signInAt);
    case 'arcKeyFile':
      return l10n.t('{0} would send {1} to {2} (the Azure Arc challenge names it; newer versions refuse: {3}). Azure Dev Auth did not read or send it: not checked.',
        familyLabel(reason), reason.keyFile, reason.origin, reason.problem);
  }
}

/** The verdict when the chain ends at `credential` without an answer: one sentence naming it. */
export function notCheckedVerdict(credential: string, reason: NotCheckedReason): string {
  switch (reason.kind) {
    case 'secret':
      return l10n.t('{0} would send {1} to {2}: not checked. Python would send it when your app runs; check with {2} only if you trust it.',
        credential, secretText(reason.secret), reason.host);
    case 'program':
      return l10n.t("{0} would run {1}, found through the PATH entry {2} that the workspace's environment (.env) adds. Azure Dev Auth did not run it: not checked. Run it only if you trust this workspace's {3}.",
        credential, reason.file, JSON.stringify(reason.entry), reason.program);
    case 'interactive':
      return reason.browser === null
        ? l10n.t('{0} finds no browser to open, so MSAL prints the sign-in address ({1}) and waits, with no time limit, for someone to open it. Azure Dev Auth does not start interactive sign-ins: what the sign-in would return is not known.', credential, reason.signInAt)
        : l10n.t('{0} opens a browser for sign-in ({1}, at {2}) and waits for someone to sign in. Azure Dev Auth does not start interactive sign-ins: what the sign-in would return is not known.', credential, reason.browser, reason.signInAt);
    case 'arcKeyFile':
      return l10n.t('{0} in {1} would send {2} to {3} (the Azure Arc challenge names it; newer versions refuse: {4}). Azure Dev Auth did not read or send it: not checked.',
        credential, familyLabel(reason), reason.keyFile, reason.origin, reason.problem);
  }
}
