// What a failed or cancelled sign-in means, from what the tool printed and how it ended. Microsoft Entra ID names
// every refusal with an AADSTS code; the developer tools print it inside their own error line. The table turns the
// codes a developer meets when signing in into a sentence and a way forward, so the sign-in page can say "your
// organisation requires multi-factor authentication: use a device code" instead of quoting a trace id. Pure: no I/O,
// and the detail line it keeps passes through the one redaction.
import { redactSecrets } from '../redact';
import * as l10n from '@vscode/l10n';

/** A sign-in method the page can offer instead of the one that failed. */
export type RetryMethod = 'device-code' | 'browser';

export interface AadstsMeaning {
  /** "AADSTS50076". */
  readonly code: string;
  readonly title: string;
  /** What happened, in the developer's terms. */
  readonly meaning: string;
  /** What to do about it. */
  readonly fix: string;
  /** The method that gets past it, when another method does. */
  readonly retryWith: RetryMethod | null;
}

/** The texts are looked up when they are read, so the catalog in use then (the display language) gives them. */
const entry = (code: number, texts: () => readonly [title: string, meaning: string, fix: string], retryWith: RetryMethod | null = null): AadstsMeaning => ({
  code: `AADSTS${code}`, retryWith,
  get title() { return texts()[0]; },
  get meaning() { return texts()[1]; },
  get fix() { return texts()[2]; },
});

const interactive = (): string => l10n.t('Sign in with the browser or with a device code: both let Microsoft Entra ID ask for the second factor.');

/** The codes a developer meets when signing in with az, azd, Azure PowerShell or an azure-identity credential. */
export const AADSTS_MEANINGS: readonly AadstsMeaning[] = [
  entry(50076, () => [l10n.t('Multi-factor authentication required'),
    l10n.t('Your organisation requires multi-factor authentication for this sign-in. A username-and-password sign-in cannot answer a second factor, so Microsoft Entra ID refused it.'),
    interactive()], 'device-code'),
  entry(50079, () => [l10n.t('Multi-factor authentication registration required'),
    l10n.t('The account has to register a second factor (an authenticator app, a phone) before it may sign in here.'),
    l10n.t('Sign in with the browser or a device code and complete the registration Microsoft Entra ID asks for. {0}', interactive())], 'device-code'),
  entry(50074, () => [l10n.t('Strong authentication required'),
    l10n.t('Microsoft Entra ID asks for a second factor that this sign-in could not provide.'), interactive()], 'device-code'),
  entry(50158, () => [l10n.t('External security challenge not satisfied'),
    l10n.t('A security check run by another provider (a federated identity provider or a third-party MFA) was not completed.'), interactive()], 'browser'),
  entry(53003, () => [l10n.t('Blocked by Conditional Access'),
    l10n.t('A Conditional Access policy of your organisation blocked this sign-in (for this device, location, application or client). The sign-in method does not change that.'),
    l10n.t('Ask your administrator which policy applies (the error\'s details carry the policy ids); some policies allow a compliant or managed device only.')]),
  entry(53000, () => [l10n.t('Compliant device required'),
    l10n.t('A Conditional Access policy lets only compliant (Intune-managed) devices sign in to this resource.'),
    l10n.t('Sign in from a managed device, or ask your administrator for an exception for development.')]),
  entry(53001, () => [l10n.t('Domain-joined device required'),
    l10n.t('A Conditional Access policy lets only devices joined to your organisation\'s domain sign in.'),
    l10n.t('Sign in from a domain-joined device, or ask your administrator.')]),
  entry(53004, () => [l10n.t('Security information registration blocked'),
    l10n.t('The account must register its security information first, and a policy blocks doing that right now (for example from this location).'),
    l10n.t('Register your security information from a trusted location or device (https://aka.ms/mysecurityinfo), then sign in again.')]),
  entry(50126, () => [l10n.t('Wrong username or password'),
    l10n.t('Microsoft Entra ID did not accept the username and password.'),
    l10n.t('Check both and try again, or sign in with the browser or a device code (which also work for accounts with MFA or a federated identity provider).')], 'browser'),
  entry(50034, () => [l10n.t('Account not found in this tenant'),
    l10n.t('The account does not exist in the directory you signed in to.'),
    l10n.t('Check the username, or choose the tenant the account belongs to in the Tenant field.')]),
  entry(50053, () => [l10n.t('Account locked'),
    l10n.t('The account is locked after too many failed sign-ins, or the sign-in came from a blocked address.'),
    l10n.t('Wait a few minutes before trying again, or ask your administrator to unlock it.')]),
  entry(50055, () => [l10n.t('Password expired'),
    l10n.t('The account\'s password has expired.'),
    l10n.t('Change it (sign in once in the browser, which lets you do that), then sign in again.')], 'browser'),
  entry(50057, () => [l10n.t('Account disabled'),
    l10n.t('The account is disabled in the directory.'), l10n.t('Ask your administrator to enable it.')]),
  entry(50020, () => [l10n.t('Account not in this tenant'),
    l10n.t('The account comes from another tenant or identity provider and is not a member or guest of this tenant.'),
    l10n.t('Sign in to your home tenant (leave the Tenant field empty), or ask to be invited to this tenant as a guest.')]),
  entry(90072, () => [l10n.t('Account not in this tenant'),
    l10n.t('The account is not a member or guest of the tenant you chose.'),
    l10n.t('Choose a tenant the account belongs to in the Tenant field, or ask to be invited to this one as a guest.')]),
  entry(700016, () => [l10n.t('Application not found in this tenant'),
    l10n.t('The application the sign-in used is not registered in the tenant, or has not been consented to there. This usually means the wrong tenant.'),
    l10n.t('Check the Tenant field (a tenant id or its domain), and the cloud.')]),
  entry(90002, () => [l10n.t('Tenant not found'),
    l10n.t('No tenant with this id or domain exists, at least not in the chosen cloud.'),
    l10n.t('Check the Tenant field (for example contoso.onmicrosoft.com or the tenant\'s GUID) and the cloud, then sign in again.')]),
  entry(900023, () => [l10n.t('Not a tenant id or domain'),
    l10n.t('The value given as the tenant is neither a tenant id (a GUID) nor a domain name.'),
    l10n.t('Enter the tenant\'s GUID or one of its domains (such as contoso.onmicrosoft.com), or leave the Tenant field empty.')]),
  entry(50059, () => [l10n.t('No tenant given'),
    l10n.t('Microsoft Entra ID could not tell which tenant to sign in to.'), l10n.t('Enter the tenant in the Tenant field.')]),
  entry(65001, () => [l10n.t('Consent required'),
    l10n.t('The application needs a permission that nobody has consented to yet in this tenant.'),
    l10n.t('Sign in interactively (the browser), which asks for consent, or ask an administrator to grant consent for the organisation.')], 'browser'),
  entry(7000218, () => [l10n.t('Public client flows not allowed'),
    l10n.t('The app registration used for this sign-in does not allow public client flows, so a device code or username-and-password sign-in is refused ("client_assertion or client_secret required").'),
    l10n.t('In the app registration\'s Authentication page, set "Allow public client flows" to Yes, or use the default client of the tool.')]),
  entry(70019, () => [l10n.t('Device code expired'),
    l10n.t('The device code expired (or was declined) before the sign-in was completed.'),
    l10n.t('Start the sign-in again and enter the new code within 15 minutes.')], 'device-code'),
  entry(70020, () => [l10n.t('Device code expired'),
    l10n.t('The device code expired before the sign-in was completed.'),
    l10n.t('Start the sign-in again and enter the new code within 15 minutes.')], 'device-code'),
  entry(700082, () => [l10n.t('Sign-in expired'),
    l10n.t('The saved sign-in (refresh token) expired because it was not used for a long time.'), l10n.t('Sign in again.')], 'browser'),
  entry(70043, () => [l10n.t('Sign-in expired by a policy'),
    l10n.t('A sign-in frequency policy (Conditional Access) requires signing in again.'), l10n.t('Sign in again.')], 'browser'),
  entry(50173, () => [l10n.t('Sign-in revoked'),
    l10n.t('The saved sign-in is no longer valid, for example after a password change or because an administrator revoked it.'), l10n.t('Sign in again.')], 'browser'),
  entry(50105, () => [l10n.t('Not assigned to the application'),
    l10n.t('The application requires its users to be assigned to it, and the account is not.'),
    l10n.t('Ask the application\'s owner or an administrator to assign you to it.')]),
  entry(7000112, () => [l10n.t('Application disabled'),
    l10n.t('The application used for this sign-in is disabled in the tenant.'), l10n.t('Ask your administrator.')]),
  entry(50097, () => [l10n.t('Device authentication required'),
    l10n.t('A policy requires the device itself to authenticate (a registered or joined device).'),
    l10n.t('Sign in from a registered device, or ask your administrator.')]),
];

const BY_CODE = new Map(AADSTS_MEANINGS.map((m) => [m.code, m]));

export function meaningOf(code: string): AadstsMeaning | undefined {
  return BY_CODE.get(code.toUpperCase());
}

/** The AADSTS codes in a text, each once, in the order they appear. */
export function aadstsCodes(text: string): string[] {
  return [...new Set([...text.matchAll(/\bAADSTS(\d{5,7})\b/g)].map((m) => `AADSTS${m[1]}`))];
}

/** A device-code sign-in's prompt, as the tool printed it. */
export interface DeviceCodePrompt {
  readonly code: string;
  /** The device-login page the tool named (https only), or null when it named none. */
  readonly url: string | null;
}

/** The device-code prompt of az and Azure PowerShell ("open the page … and enter the code …") or azd ("copying the next code: …"). */
export function deviceCodeIn(text: string): DeviceCodePrompt | undefined {
  const classic = /open the page\s+(\S+?)\s+and enter the code\s+([A-Za-z0-9-]{4,20})\b/i.exec(text);
  if (classic) return { code: classic[2]!, url: /^https:\/\/\S+$/.test(classic[1]!) ? classic[1]! : null };
  const azd = /copying the next code:\s*([A-Za-z0-9-]{4,20})\b/i.exec(text);
  return azd ? { code: azd[1]!, url: null } : undefined;
}

/** How a sign-in process ended, and what it printed. */
export interface SignInEnding {
  /** The tool as the developer knows it: "az", "azd", "pwsh". */
  readonly tool: string;
  /** Its stdout and stderr together (what the terminal showed). */
  readonly output: string;
  /** null when it did not exit by itself (killed, or never started). */
  readonly exitCode: number | null;
  /** The developer cancelled it (Ctrl+C in the terminal, Cancel on the page, the terminal closed). */
  readonly cancelled: boolean;
  /** It ran out of the time allowed to a sign-in. */
  readonly timedOut: boolean;
  /** The program could not be started: it is not installed, or not on PATH. */
  readonly notFound: boolean;
}

export interface SignInFailure {
  /** The AADSTS code behind it, or null when the failure is not Entra's (cancelled, not installed, …). */
  readonly code: string | null;
  readonly title: string;
  readonly meaning: string;
  readonly fix: string;
  readonly retryWith: RetryMethod | null;
  /** The tool's own error line, redacted, for the details. */
  readonly detail: string | null;
}

const INSTALL_PAGES: Readonly<Record<string, string>> = {
  az: 'https://aka.ms/installazurecli',
  azd: 'https://aka.ms/azure-dev/install',
  get pwsh() { return l10n.t('https://aka.ms/install-powershell (then Install-Module Az.Accounts)'); },
};

/** The last line that looks like the tool's error, redacted and cut to a readable length. */
export function errorLine(output: string): string | null {
  const lines = output.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const aadsts = lines.find((l) => /\bAADSTS\d{5,7}\b/.test(l));
  const error = aadsts ?? [...lines].reverse().find((l) => /^(ERROR|Error|error)\b|: .*(error|fail)|Exception/i.test(l)) ?? lines.at(-1);
  if (!error) return null;
  const redacted = redactSecrets(error);
  return redacted.length > 500 ? `${redacted.slice(0, 497)}…` : redacted;
}

/**
 * What a sign-in that did not succeed means. Undefined when it did succeed (exit code 0, not cancelled): a tool that
 * exits 0 has signed in, whatever warnings it printed.
 */
export function explainSignInFailure(ending: SignInEnding): SignInFailure | undefined {
  const { tool, output } = ending;
  if (ending.notFound) {
    return {
      code: null, title: l10n.t('{0} is not installed', tool),
      meaning: l10n.t('{0} could not be started: it is not installed, or not on the PATH VS Code was started with.', tool),
      fix: l10n.t('Install it ({0}), then restart VS Code so that it sees the new PATH.', INSTALL_PAGES[tool] ?? l10n.t('see its documentation')),
      retryWith: null, detail: null,
    };
  }
  if (ending.cancelled) {
    return { code: null, title: l10n.t('Sign-in cancelled'), meaning: l10n.t('The sign-in was cancelled before it finished; nothing changed.'), fix: l10n.t('Start it again when you are ready.'), retryWith: null, detail: null };
  }
  if (ending.timedOut) {
    return {
      code: null, title: l10n.t('Sign-in timed out'), meaning: l10n.t('The sign-in did not finish in time (nobody completed it in the browser or on the device-login page).'),
      fix: l10n.t('Start it again; with a device code you can complete it from any browser, also on another device.'), retryWith: 'device-code', detail: errorLine(output),
    };
  }
  if (ending.exitCode === 0) return undefined;
  const detail = errorLine(output);
  for (const code of aadstsCodes(output)) {
    const known = meaningOf(code);
    if (known) return { code: known.code, title: known.title, meaning: known.meaning, fix: known.fix, retryWith: known.retryWith, detail };
  }
  const firstCode = aadstsCodes(output)[0];
  if (firstCode) {
    return {
      code: firstCode, title: l10n.t('Microsoft Entra ID refused the sign-in ({0})', firstCode),
      meaning: l10n.t('Microsoft Entra ID refused the sign-in with a code this page does not explain; the error line below has its own words.'),
      fix: l10n.t('Look the code up at https://login.microsoftonline.com/error?code={0}, or try another sign-in method.', firstCode.slice('AADSTS'.length)),
      retryWith: null, detail,
    };
  }
  if (/No subscriptions found for/i.test(output)) {
    return {
      code: null, title: l10n.t('No subscription in this tenant'),
      meaning: l10n.t('The account signed in, but holds no Azure subscription in this tenant, so the Azure CLI did not keep the sign-in.'),
      fix: l10n.t('Choose the tenant that holds your subscriptions in the Tenant field, or run "az login --allow-no-subscriptions" to sign in to the tenant alone.'),
      retryWith: null, detail,
    };
  }
  if (/Timed out waiting for the browser|browser.*(could not|failed to) (open|start)|no web browser/i.test(output)) {
    return {
      code: null, title: l10n.t('The browser sign-in did not complete'),
      meaning: l10n.t('The tool waited for a browser sign-in that did not come back (no browser could be opened here, or the page was closed).'),
      fix: l10n.t('Sign in with a device code instead: it works from any browser, also on another device.'), retryWith: 'device-code', detail,
    };
  }
  if (ending.exitCode === 130 || /KeyboardInterrupt|Operation cancelled|canceled by user|cancelled by user/i.test(output)) {
    return { code: null, title: l10n.t('Sign-in cancelled'), meaning: l10n.t('The sign-in was cancelled before it finished; nothing changed.'), fix: l10n.t('Start it again when you are ready.'), retryWith: null, detail };
  }
  return {
    code: null, title: l10n.t('{0} exited with code {1}', tool, ending.exitCode ?? 'unknown'),
    meaning: l10n.t('The sign-in failed, and {0} gave no Microsoft Entra ID error code.', tool),
    fix: l10n.t('Read the error line below and the terminal; a device code sign-in often gets past browser and network problems.'), retryWith: 'device-code', detail,
  };
}
