import * as vscode from 'vscode';
import { displayName } from '../core/presentation/chainRows';

/** A terminal sign-in: the tool is the terminal's process (an argument vector, never a shell string). */
interface TerminalSignIn {
  readonly credential: string;
  readonly label: string;
  readonly detail: string;
  readonly program: string;
  readonly args: readonly string[];
}

export const TERMINAL_SIGN_INS: readonly TerminalSignIn[] = [
  { credential: 'AzureCliCredential', label: 'Azure CLI', detail: 'az login — used by AzureCliCredential', program: 'az', args: ['login'] },
  { credential: 'AzureDeveloperCliCredential', label: 'Azure Developer CLI', detail: 'azd auth login — used by AzureDeveloperCliCredential', program: 'azd', args: ['auth', 'login'] },
  { credential: 'AzurePowerShellCredential', label: 'Azure PowerShell', detail: 'Connect-AzAccount — used by AzurePowerShellCredential', program: 'pwsh', args: ['-NoProfile', '-Command', 'Connect-AzAccount'] },
];

/**
 * Runs a tool's sign-in in a terminal. The chain refreshes by itself when the tool writes its sign-in files;
 * closing the terminal triggers a refresh too, for tools whose files we do not know.
 */
export function signInInTerminal(credential: string, onClosed: () => void): vscode.Disposable | undefined {
  const signIn = TERMINAL_SIGN_INS.find((s) => s.credential === credential);
  if (!signIn) {
    void vscode.window.showInformationMessage(`${displayName(credential)} has no sign-in of its own; see the row's tooltip for what it reads.`);
    return undefined;
  }
  const terminal = vscode.window.createTerminal({
    name: `Azure Dev Auth: ${signIn.program} ${signIn.args.join(' ')}`,
    shellPath: signIn.program,
    shellArgs: [...signIn.args],
    iconPath: new vscode.ThemeIcon('sign-in'),
    isTransient: true,
  });
  terminal.show();
  return vscode.window.onDidCloseTerminal((closed) => {
    if (closed === terminal) onClosed();
  });
}

/** "Sign In…": a quick pick of the ways to sign in, until the sign-in wizard exists. */
export async function pickSignIn(onClosed: () => void): Promise<vscode.Disposable | undefined> {
  const picked = await vscode.window.showQuickPick(
    TERMINAL_SIGN_INS.map((s) => ({ label: `$(sign-in) ${s.label}`, detail: s.detail, credential: s.credential })),
    { title: 'Azure Dev Auth: Sign In', placeHolder: 'Which tool should your Python code get its token from?' },
  );
  return picked ? signInInTerminal(picked.credential, onClosed) : undefined;
}
