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
    return { problem: vscode.l10n.t('python.envFile names {0}, outside the workspace folder: Azure Dev Auth writes secrets only to a .env inside it.', path) };
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
    const replace = vscode.l10n.t('Replace');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} already sets {1} to other values. Replace them for {2}?', target.name, plan.replaced.join(', '), purpose),
      { modal: true, detail: vscode.l10n.t('The other lines of the file are kept as they are. The old values are not kept anywhere.') },
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
  const keys = result.keys.join(', ');
  const ignoredAs = basename(result.path);
  // Whole sentences, each translated as one: which file was written, then what changed about who can read it.
  const wrote = result.created
    ? (result.ignoredNow ? vscode.l10n.t('Wrote {0} to {1} (new file), and added {2} to .gitignore.', keys, where, ignoredAs) : vscode.l10n.t('Wrote {0} to {1} (new file).', keys, where))
    : (result.ignoredNow ? vscode.l10n.t('Wrote {0} to {1}, and added {2} to .gitignore.', keys, where, ignoredAs) : vscode.l10n.t('Wrote {0} to {1}.', keys, where));
  const narrowed = result.narrowedFrom !== undefined
    ? ` ${vscode.l10n.t('{0} was readable by others (mode {1}); it now holds a secret, so it is readable by you only (mode 600).', where, result.narrowedFrom.toString(8))}`
    : '';
  const message = `${wrote}${narrowed}`;
  if (result.tracked) {
    void vscode.window.showWarningMessage(`${message} ${vscode.l10n.t('git tracks {0}: the next commit would publish the secret. Stop tracking it with `git rm --cached {1}`.', where, ignoredAs)}`);
  } else {
    void vscode.window.showInformationMessage(message);
  }
}
