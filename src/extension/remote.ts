import * as vscode from 'vscode';
import { detectRemote, type RemoteContext } from '../core/remote';

/** Where this window's extension host runs (a dev container, Codespaces, WSL, SSH), or undefined on the own machine. */
export function currentRemote(): RemoteContext | undefined {
  return detectRemote(vscode.env.remoteName, process.env);
}
