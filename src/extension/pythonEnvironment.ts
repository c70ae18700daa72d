import * as vscode from 'vscode';
import type { PythonExtension } from '@vscode/python-extension';

const PYTHON_EXTENSION_ID = 'ms-python.python';

/** Which interpreter the user's Python code runs with, and where that answer came from. */
export interface InterpreterChoice {
  readonly path: string;
  readonly source: 'setting' | 'python-extension' | 'path';
}

/**
 * The Python side as the user's code sees it, behind a thin wrapper: the Python extension's API when it is
 * installed (selected interpreter, environment variables including `.env`), otherwise our setting or
 * `python3` on PATH, with `.env` read by us. Fires `onDidChange` when either extension says something changed.
 */
export class PythonEnvironment implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private api: PythonExtension | undefined;
  private apiLoaded = false;

  /** The Python extension's API, or undefined when it is not installed (it is optional, never a dependency). */
  private async pythonApi(): Promise<PythonExtension | undefined> {
    if (this.apiLoaded) return this.api;
    this.apiLoaded = true;
    if (!vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) return undefined;
    try {
      const { PythonExtension: Api } = await import('@vscode/python-extension');
      this.api = await Api.api();
      this.disposables.push(
        this.api.environments.onDidChangeActiveEnvironmentPath(() => this.changed.fire('the selected interpreter changed')),
        this.api.environments.onDidEnvironmentVariablesChange(() => this.changed.fire('the Python environment variables changed')),
      );
    } catch {
      this.api = undefined;
    }
    return this.api;
  }

  async interpreter(resource: vscode.Uri | undefined): Promise<InterpreterChoice> {
    const configured = vscode.workspace.getConfiguration('azureDevAuth', resource).get<string>('pythonPath', '').trim();
    if (configured) return { path: configured, source: 'setting' };
    const api = await this.pythonApi();
    if (api) {
      const active = api.environments.getActiveEnvironmentPath(resource);
      const resolved = await api.environments.resolveEnvironment(active).catch(() => undefined);
      const path = resolved?.executable.uri?.fsPath ?? active.path;
      if (path) return { path, source: 'python-extension' };
    }
    return { path: 'python3', source: 'path' };
  }

  /**
   * Variables the Python extension adds for this resource (its `.env` support), or undefined when it is not
   * installed; the caller then reads `.env` itself.
   */
  async pythonExtensionVariables(resource: vscode.Uri | undefined): Promise<Record<string, string> | undefined> {
    const api = await this.pythonApi();
    if (!api) return undefined;
    const vars = api.environments.getEnvironmentVariables(resource);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(vars)) if (typeof v === 'string') out[k] = v;
    return out;
  }

  /** The `.env` file the Python extension would use (`python.envFile`, default `${workspaceFolder}/.env`). */
  envFile(folder: vscode.WorkspaceFolder | undefined): vscode.Uri | undefined {
    if (!folder) return undefined;
    const setting = vscode.workspace.getConfiguration('python', folder.uri).get<string>('envFile', '${workspaceFolder}/.env');
    const path = setting.replace(/\$\{workspaceFolder\}/g, folder.uri.fsPath);
    return path.startsWith('/') ? vscode.Uri.file(path) : vscode.Uri.joinPath(folder.uri, path);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
