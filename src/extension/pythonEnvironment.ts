import * as vscode from 'vscode';
import type { PythonExtension } from '@vscode/python-extension';
import { envFilePath, type FolderSettings } from '../core/presentation/settings';
import type { InterpreterChoice } from '../core/presentation/snapshot';
import { withFallback } from './timeout';

export type { InterpreterChoice } from '../core/presentation/snapshot';

const PYTHON_EXTENSION_ID = 'ms-python.python';
/** The Python extension activates on first use of its API, which can take a while on a cold start. */
const API_TIMEOUT_MS = 10_000;
/** Resolving an environment may run the interpreter; a hung one must not stall a check. */
const RESOLVE_TIMEOUT_MS = 5_000;

/**
 * The Python side as the user's code sees it, behind a thin wrapper: the Python extension's API when it is
 * installed (selected interpreter, environment variables including `.env`), otherwise our setting or
 * `python3` on PATH, with `.env` read by us. Every call into the Python extension has a timeout and falls back to
 * what we can find ourselves, with a line in the log. Fires `onDidChange` when the Python extension says
 * something changed.
 */
export class PythonEnvironment implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** Started once; a slow start is waited for again by later checks instead of being asked again. */
  private api: Promise<PythonExtension | undefined> | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** The Python extension's API, or undefined when it is not installed (it is optional, never a dependency). */
  private pythonApi(): Promise<PythonExtension | undefined> {
    if (!vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) return Promise.resolve(undefined);
    this.api ??= (async () => {
      try {
        const { PythonExtension: Api } = await import('@vscode/python-extension');
        const api = await Api.api();
        this.disposables.push(
          api.environments.onDidChangeActiveEnvironmentPath(() => this.changed.fire('the selected interpreter changed')),
          api.environments.onDidEnvironmentVariablesChange(() => this.changed.fire('the Python environment variables changed')),
        );
        return api;
      } catch (error) {
        this.log.warn(`The Python extension's API is not available (${error instanceof Error ? error.message : String(error)}); using azureDevAuth.pythonPath or python3 and reading .env directly.`);
        return undefined;
      }
    })();
    return withFallback(this.api, API_TIMEOUT_MS, "The Python extension's API", undefined,
      (why) => this.log.warn(`${why}; this check uses azureDevAuth.pythonPath or python3 and reads .env directly.`));
  }

  async interpreter(folder: vscode.WorkspaceFolder | undefined, settings: FolderSettings): Promise<InterpreterChoice> {
    if (settings.pythonPath) return { path: settings.pythonPath, source: 'setting' };
    const api = await this.pythonApi();
    if (api) {
      try {
        const active = api.environments.getActiveEnvironmentPath(folder?.uri);
        const resolved = await withFallback(api.environments.resolveEnvironment(active), RESOLVE_TIMEOUT_MS,
          'The Python extension (resolving the selected interpreter)', undefined,
          (why) => this.log.warn(`${why}; using the selected path ${active.path} as it is.`));
        const path = resolved?.executable.uri?.fsPath ?? active.path;
        if (path) return { path, source: 'python-extension' };
      } catch (error) {
        this.log.warn(`The Python extension could not name the selected interpreter (${error instanceof Error ? error.message : String(error)}); using python3 on PATH.`);
      }
    }
    return { path: 'python3', source: 'path' };
  }

  /**
   * Variables the Python extension adds for this folder (its `.env` support), or undefined when it is not
   * installed or does not answer; the caller then reads `.env` itself.
   */
  async pythonExtensionVariables(folder: vscode.WorkspaceFolder | undefined): Promise<Record<string, string> | undefined> {
    const api = await this.pythonApi();
    if (!api) return undefined;
    try {
      const vars = api.environments.getEnvironmentVariables(folder?.uri);
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(vars)) if (typeof v === 'string') out[k] = v;
      return out;
    } catch (error) {
      this.log.warn(`The Python extension could not give the environment variables (${error instanceof Error ? error.message : String(error)}); reading .env directly.`);
      return undefined;
    }
  }

  /** The `.env` file the Python extension would use (`python.envFile`, default `${workspaceFolder}/.env`). */
  envFile(folder: vscode.WorkspaceFolder | undefined, settings: FolderSettings): vscode.Uri | undefined {
    if (!folder) return undefined;
    return vscode.Uri.file(envFilePath(settings.pythonEnvFile, folder.uri.fsPath));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
