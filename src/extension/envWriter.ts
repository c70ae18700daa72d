import * as vscode from 'vscode';
import { basename, dirname, relative, isAbsolute } from 'node:path';
import { envFilePath } from '../core/presentation/settings';
import {
  gitIgnoreStatus, planEnvUpdate, planGitignoreUpdate, readWorkspaceTextFile, updateEnvFile, writeGitignore, type GitIgnoreStatus,
} from '../core/signin/envFile';
import { readSettings } from './settings';

const GIT_TIMEOUT_MS = 10_000;

/** What was written, for the caller's message; never the values. */
export interface EnvWriteResult {
  readonly path: string;
  readonly created: boolean;
  readonly keys: readonly string[];
  /** `.env` was added to `.gitignore` because git would not have ignored it. */
  readonly ignoredNow: boolean;
  /** git tracks the file: a commit would publish the secret whatever `.gitignore` says. */
  readonly tracked: boolean;
  /** The file's earlier mode when others could read it; it is 0600 now that it holds a secret. */
  readonly narrowedFrom?: number;
}

/**
 * The `.env` the workspace's Python code reads (`python.envFile`, default `${workspaceFolder}/.env`), when it lies
 * inside the folder. A workspace's settings are the repository's to choose: a secret is never written to a path
 * they point outside the folder.
 */
export function workspaceEnvFile(folder: vscode.WorkspaceFolder): { dir: string; name: string; path: string } | { problem: string } {
  const path = envFilePath(readSettings(folder).pythonEnvFile, folder.uri.fsPath);
  const inside = relative(folder.uri.fsPath, path);
  if (!inside || inside.startsWith('..') || isAbsolute(inside)) {
    return { problem: `python.envFile names ${path}, outside the workspace folder: Azure Dev Auth writes secrets only to a .env inside it.` };
  }
  return { dir: dirname(path), name: basename(path), path };
}

/**
 * Writes `values` into the workspace `.env`: other lines stay byte for byte, a different existing value is replaced
 * only after a modal confirmation, and the file is added to `.gitignore` when git would not ignore it. Returns
 * undefined when the developer declined. Values are never shown, logged or copied.
 */
export async function writeToWorkspaceEnv(folder: vscode.WorkspaceFolder, values: Readonly<Record<string, string>>, purpose: string): Promise<EnvWriteResult | undefined> {
  const target = workspaceEnvFile(folder);
  if ('problem' in target) throw new Error(target.problem);
  const existing = await readWorkspaceTextFile(target.dir, target.name);
  const plan = planEnvUpdate(existing, values);
  if (plan.replaced.length > 0) {
    const replace = 'Replace';
    const answer = await vscode.window.showWarningMessage(
      `${target.name} already sets ${plan.replaced.join(', ')} to other values. Replace them for ${purpose}?`,
      { modal: true, detail: 'The other lines of the file are kept as they are. The old values are not kept anywhere.' },
      replace,
    );
    if (answer !== replace) return undefined;
  }
  // Under the file's lock; a change another writer made meanwhile is kept (the plan is made again), but a key the
  // developer did not agree to replace is not replaced.
  const confirmed = new Set(plan.replaced);
  const written = await updateEnvFile(target.dir, values, { fileName: target.name, mayReplace: (keys) => keys.every((k) => confirmed.has(k)) });
  const { created } = written;
  let status: GitIgnoreStatus = { inRepository: false, ignored: false, tracked: false };
  let ignoredNow = false;
  try {
    status = await gitIgnoreStatus(target.dir, target.name, { timeoutMs: GIT_TIMEOUT_MS });
    if (status.inRepository && !status.ignored) {
      const gitignore = await readWorkspaceTextFile(target.dir, '.gitignore');
      await writeGitignore(target.dir, planGitignoreUpdate(gitignore, target.name), { expected: gitignore });
      ignoredNow = true;
    }
  } catch {
    // git is optional; without it nothing can be committed by accident either.
  }
  const keys = [...written.plan.added, ...written.plan.replaced, ...written.plan.unchanged];
  return { path: target.path, created, keys, ignoredNow, tracked: status.tracked, ...(written.narrowedFrom !== undefined ? { narrowedFrom: written.narrowedFrom } : {}) };
}

/** The notification after a write: which keys, where, and what git would do with the file. */
export function announceEnvWrite(result: EnvWriteResult): void {
  const where = vscode.workspace.asRelativePath(result.path);
  const narrowed = result.narrowedFrom !== undefined
    ? ` ${where} was readable by others (mode ${result.narrowedFrom.toString(8)}); it now holds a secret, so it is readable by you only (mode 600).`
    : '';
  const message = `Wrote ${result.keys.join(', ')} to ${where}${result.created ? ' (new file)' : ''}${result.ignoredNow ? `, and added ${basename(result.path)} to .gitignore` : ''}.${narrowed}`;
  if (result.tracked) {
    void vscode.window.showWarningMessage(`${message} git tracks ${where}: the next commit would publish the secret. Stop tracking it with \`git rm --cached ${basename(result.path)}\`.`);
  } else {
    void vscode.window.showInformationMessage(message);
  }
}
