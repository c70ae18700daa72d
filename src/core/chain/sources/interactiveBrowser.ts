// InteractiveBrowserCredential (in the chain only when the code passes exclude_interactive_browser_credential=False).
// When Python reaches it, it decides the chain: it opens a browser and waits for someone to sign in, or it fails
// before that because Entra ID cannot be reached, and that failure ends the chain. Azure Dev Auth never starts an
// interactive sign-in. It checks what Python checks before anyone is asked: the authority's OpenID configuration
// (MSAL's discovery, over the modelled environment's proxy and CA settings), then whether Python's webbrowser module
// would find a browser to open at all in that environment.
import { msalDiscover, msalFailureMessage } from '../entra';
import { NetworkError } from '../http';
import { which } from '../pythonText';
import { constructorError, entraContext, type Probe, type ProbeContext, type ProbeResult } from './common';

const VALID_TENANT = /^[A-Za-z0-9.-]+$/;

/** The browsers Python's webbrowser registers under X11/Wayland when it finds them on PATH (register_X_browsers). */
const X_BROWSERS = [
  'xdg-open', 'gio', 'x-www-browser', 'firefox', 'iceweasel', 'iceape', 'seamonkey', 'mozilla-firefox', 'mozilla-firebird',
  'firebird', 'mozilla', 'netscape', 'kfm', 'konqueror', 'galeon', 'epiphany', 'skipstone', 'google-chrome', 'chrome',
  'chromium', 'chromium-browser', 'opera', 'mosaic', 'grail',
];
/** Text-mode browsers it registers when TERM is set. */
const CONSOLE_BROWSERS = ['www-browser', 'links', 'elinks', 'lynx', 'w3m'];

/**
 * What Python's webbrowser.open() would start in this environment, or undefined when it finds nothing and returns
 * False. Nothing is started here: the answer comes from the variables and PATH alone.
 */
export function browserPythonWouldOpen(ctx: Pick<ProbeContext, 'env' | 'platform' | 'wsl'>): string | undefined {
  const { env } = ctx;
  if (ctx.platform === 'win32' || ctx.platform === 'darwin') return 'the default browser';
  // BROWSER's commands come first and are run whatever they are; whether they succeed is not known here.
  const chosen = (env.BROWSER ?? '').split(':').find((entry) => entry !== '');
  if (chosen) return `the BROWSER command (${chosen})`;
  const onPath = (names: readonly string[]): string | undefined => names.find((name) => which(name, env) !== undefined);
  if (env.DISPLAY || env.WAYLAND_DISPLAY) {
    const found = onPath(X_BROWSERS);
    if (found) return found;
  }
  if (env.TERM) {
    const found = onPath(CONSOLE_BROWSERS);
    if (found) return `the text-mode browser ${found}`;
  }
  // Under WSL azure-identity (and MSAL) fall back to Windows' browser.
  if (ctx.wsl) {
    const found = onPath(['powershell.exe', 'wslview', 'explorer.exe']);
    if (found) return `the Windows browser (through ${found})`;
  }
  return undefined;
}

export const interactiveBrowserProbe: Probe = {
  credential: 'InteractiveBrowserCredential',
  async run(ctx: ProbeContext): Promise<ProbeResult> {
    // DefaultAzureCredential passes interactive_browser_tenant_id, which defaults to AZURE_TENANT_ID.
    const tenant = ctx.interactiveBrowserTenantId || 'organizations';
    if (!VALID_TENANT.test(tenant)) return constructorError('InteractiveBrowserCredential', 'ValueError', ctx.behaviour.messages.invalidTenant);
    const signInAt = `${ctx.defaultAuthority}/${tenant}`;
    try {
      await msalDiscover(entraContext(ctx), ctx.defaultAuthority, tenant);
    } catch (error) {
      if ((error instanceof DOMException && error.name === 'AbortError') || (error instanceof NetworkError && error.kind === 'aborted')) throw error;
      // Raised before any browser is opened; a ClientAuthenticationError, so the chain stops here.
      return { kind: 'failed', message: msalFailureMessage(error) };
    }
    const browser = browserPythonWouldOpen(ctx);
    if (browser === undefined) {
      if (ctx.behaviour.browserWithoutBrowser === 'unavailable') return { kind: 'unavailable', message: 'Failed to open a browser' };
      return { kind: 'not-checked', reason: { kind: 'interactive', browser: null, signInAt } };
    }
    return { kind: 'not-checked', reason: { kind: 'interactive', browser, signInAt } };
  },
};
