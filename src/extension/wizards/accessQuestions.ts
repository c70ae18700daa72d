import * as vscode from 'vscode';
import { offeredActions, parseQuestion, questionScopes, questionText, suggestQuestions, type Question, type QuestionScope } from '../../core/access/question';
import type { AccessReport, CanResult } from '../../core/access/types';
import { shownAccess } from '../../core/presentation/accessSnapshot';
import { definedEnvironment } from '../../core/presentation/settings';
import type { TeamSession } from '../../core/team/facade';
import { principalSchema, type WizardInit } from '../../webview/protocol';
import type { CommandContext } from '../commands/context';
import { CommandError } from '../commands/registerCommand';
import { readAccessSettings, readProxySettings } from '../settings';
import { openRoleWizard, openTeamSession } from './teamWizards';

/** Check Access for… and Can … Do …?: quick picks in the extension host; the answers come from the engine's one access entry point. */

interface PrincipalItem extends vscode.QuickPickItem {
  readonly principal: { readonly objectId: string; readonly label: string };
}

const SEARCH_DEBOUNCE_MS = 300;

/** Users, groups and service principals whose names start with what is typed (as the wizards search them). */
async function searchPrincipals(session: TeamSession, text: string): Promise<PrincipalItem[]> {
  const [users, groups, principals] = await Promise.all([
    session.searchUsers(text).then((p) => p.users).catch(() => []),
    session.searchGroups(text).catch(() => []),
    session.searchServicePrincipals(text).catch(() => []),
  ]);
  return [
    ...users.map((u) => ({ label: `$(account) ${u.displayName}`, description: u.userPrincipalName ?? '', detail: vscode.l10n.t('user · {0}', u.id), principal: { objectId: u.id, label: u.displayName } })),
    ...groups.map((g) => ({ label: `$(organization) ${g.displayName}`, description: g.description ?? '', detail: vscode.l10n.t('group · {0}', g.id), principal: { objectId: g.id, label: g.displayName } })),
    ...principals.map((p) => ({ label: `$(server-process) ${p.displayName}`, description: p.detail, detail: vscode.l10n.t('service principal · {0}', p.id), principal: { objectId: p.id, label: p.displayName } })),
  ];
}

/** A group or service principal row of the Access view names its principal. */
function principalFromRow(arg: unknown): PrincipalItem['principal'] | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const id: unknown = Reflect.get(arg, 'id');
  const kind: unknown = Reflect.get(arg, 'kind');
  const label: unknown = Reflect.get(arg, 'label');
  if (kind === 'group' && typeof id === 'string' && typeof label === 'string') {
    const objectId = id.replace(/^group\|/, '').split('#')[0] ?? '';
    if (/^[0-9a-f-]{36}$/i.test(objectId)) return { objectId, label };
  }
  return undefined;
}

export async function checkAccessFor(ctx: CommandContext, arg?: unknown): Promise<void> {
  const fromRow = principalFromRow(arg);
  if (fromRow) {
    await ctx.access.checkAccessFor(fromRow);
    return;
  }
  const session = await openTeamSession(ctx, { cannot: vscode.l10n.t('search the directory'), permission: 'User.Read.All' });
  const pick = vscode.window.createQuickPick<PrincipalItem>();
  pick.title = vscode.l10n.t('Check Access for…');
  pick.placeholder = vscode.l10n.t('Type the start of a user, group or service principal name (or an app id)');
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  let timer: NodeJS.Timeout | undefined;
  let asked = 0;
  pick.onDidChangeValue((value) => {
    if (timer) clearTimeout(timer);
    const text = value.trim();
    if (!text) { pick.items = []; return; }
    timer = setTimeout(() => {
      const mine = ++asked;
      pick.busy = true;
      void searchPrincipals(session, text).then((items) => {
        if (mine !== asked) return;
        pick.items = items;
        pick.busy = false;
      });
    }, SEARCH_DEBOUNCE_MS);
  });
  const chosen = await new Promise<PrincipalItem | undefined>((resolve) => {
    pick.onDidAccept(() => { resolve(pick.selectedItems[0]); pick.hide(); });
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  if (timer) clearTimeout(timer);
  pick.dispose();
  if (chosen) await ctx.access.checkAccessFor(chosen.principal);
}

interface ScopeItem extends vscode.QuickPickItem { readonly scope: QuestionScope }
interface QuestionItem extends vscode.QuickPickItem { readonly question: Question }
interface ActionItem extends vscode.QuickPickItem { readonly action: string }
type BoxItem = ScopeItem | QuestionItem;

const questionItem = (question: Question, typed: boolean): QuestionItem => ({
  label: questionText(question), description: question.action, detail: question.scope.scope, question,
  // Questions follow what is typed, not the box's filter on labels.
  alwaysShow: true, ...(typed ? { iconPath: new vscode.ThemeIcon('question') } : {}),
});

/**
 * The question box: type "write blobs on stsandboxapp" (or the operation written out, or pick one of the questions
 * offered as you type), or pick a scope and then its action in a second step.
 */
async function askQuestion(who: string, scopes: readonly QuestionScope[]): Promise<{ action: string; scope: QuestionScope } | undefined> {
  const scopeItems: ScopeItem[] = scopes.map((s) => ({
    label: s.name, description: s.type ?? (s.kind === 'resourceGroup' ? vscode.l10n.t('resource group') : vscode.l10n.t('subscription')), detail: s.scope, scope: s,
  }));
  const box = vscode.window.createQuickPick<BoxItem>();
  box.title = vscode.l10n.t('Can {0} Do …?', who);
  box.placeholder = vscode.l10n.t('Type a question ("write blobs on stsandboxapp", or an operation on a resource), or pick a scope');
  box.matchOnDetail = true;
  box.items = scopeItems;
  box.onDidChangeValue((value) => {
    const parsed = parseQuestion(value, scopes);
    const exact = parsed.ok ? [questionItem(parsed.question, true)] : [];
    const offered = suggestQuestions(value, scopes, 30)
      .filter((q) => !parsed.ok || q.action !== parsed.question.action || q.scope.scope !== parsed.question.scope.scope)
      .map((q) => questionItem(q, false));
    box.items = [...exact, ...offered, ...scopeItems];
  });
  const chosen = await new Promise<BoxItem | undefined>((resolve) => {
    box.onDidAccept(() => {
      // Enter right after typing may come before the items followed the text: the text itself is the question.
      const typed = parseQuestion(box.value, scopes);
      const picked = box.selectedItems[0] ?? (typed.ok ? questionItem(typed.question, true) : undefined);
      if (!picked) {
        if (!typed.ok && box.value.trim()) void vscode.window.showWarningMessage(typed.message);
        return;
      }
      resolve(picked);
      box.hide();
    });
    box.onDidHide(() => resolve(undefined));
    box.show();
  });
  box.dispose();
  if (!chosen) return undefined;
  if ('question' in chosen) return { action: chosen.question.action, scope: chosen.question.scope };
  const scope = chosen.scope;
  const offered: ActionItem[] = offeredActions(scope.type).map((o) => ({ label: o.action, description: o.phrase, action: o.action }));
  const pick = vscode.window.createQuickPick<ActionItem>();
  pick.title = vscode.l10n.t('Can {0} Do … on {1}? (2/2)', who, scope.name);
  pick.placeholder = vscode.l10n.t('Pick an action, or type one (Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write)');
  pick.items = offered;
  pick.onDidChangeValue((value) => {
    const typed = value.trim();
    pick.items = typed && /^[A-Za-z0-9.]+\/[A-Za-z0-9./*_-]+$/.test(typed) && !offered.some((o) => o.action === typed)
      ? [{ label: typed, description: vscode.l10n.t('as typed'), action: typed }, ...offered] : offered;
  });
  const action = await new Promise<string | undefined>((resolve) => {
    pick.onDidAccept(() => { resolve(pick.selectedItems[0]?.action); pick.hide(); });
    pick.onDidHide(() => resolve(undefined));
    pick.show();
  });
  pick.dispose();
  return action ? { action, scope } : undefined;
}

export async function canDo(ctx: CommandContext): Promise<void> {
  const shown = shownAccess(ctx.access.current);
  if (!shown) throw new CommandError(vscode.l10n.t('The Access view has not loaded yet: open it, then ask again.'));
  const report = shown.report;
  const who = report.identity.displayName ?? report.identity.upn ?? report.identity.objectId;
  const asked = await askQuestion(who, questionScopes(report));
  if (!asked) return;
  const { action } = asked;
  const scope = asked.scope;
  const can = await ask(ctx, report, action, scope.scope);
  if (!can.ok) throw new CommandError(can.message);
  const { answer, crossCheck } = can;
  const check = crossCheck ? ` ${'problem' in crossCheck ? vscode.l10n.t('(ARM\'s effective permissions: {0})', crossCheck.problem) : crossCheck.note}` : '';
  ctx.log.info(`Can ${who} do ${action} on ${scope.scope}? ${answer.verdict}`);
  if (answer.verdict === 'yes') {
    void vscode.window.showInformationMessage(`${answer.sentence}${check}`);
    return;
  }
  const assignRole = vscode.l10n.t('Assign Role…');
  const choice = await vscode.window.showWarningMessage(`${answer.sentence}${check}`, ...(answer.suggestion ? [assignRole] : []));
  if (choice === assignRole && answer.suggestion) {
    const kind = report.identity.kind;
    const assignee = principalSchema.safeParse({
      id: report.identity.objectId, type: answer.suggestion.principalType, displayName: who,
      detail: kind === 'user' ? report.identity.upn ?? 'user' : kind === 'group' ? 'group' : report.identity.appId ? `app id ${report.identity.appId}` : 'service principal',
    });
    const init: WizardInit = { wizard: 'role', scope: answer.scope, roleName: answer.suggestion.roleName, ...(assignee.success ? { assignee: assignee.data } : {}) };
    await openRoleWizard(ctx, init);
  }
}

/** One load through the engine with the question: the same inputs as the Access view's, for the principal it shows. */
async function ask(ctx: CommandContext, report: AccessReport, action: string, scope: string): Promise<CanResult> {
  const snapshot = ctx.access.current;
  if (snapshot.phase === 'idle' || snapshot.phase === 'no-source') throw new CommandError(vscode.l10n.t('No identity is active: sign in first.'));
  const { subject } = snapshot;
  const inputs = ctx.controller.sourceInputs(subject.folderUri);
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.toString() === subject.folderUri);
  const engine = await ctx.engine();
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking {0}…', action), cancellable: true },
    (_progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return engine.loadAccess({
        source: subject.source, env: inputs?.env ?? definedEnvironment(process.env), processTimeoutSeconds: inputs?.processTimeoutSeconds ?? 10,
        allowedHosts: ctx.allowedHosts.list(), cloudSetting: readAccessSettings(folder).cloud, subscriptions: readAccessSettings(folder).subscriptions,
        workspaceFolder: undefined, signal: abort.signal, onProgress: () => undefined, proxy: readProxySettings(),
        ...(report.viewer ? { principal: report.identity.objectId } : {}),
        can: { action, scope },
      });
    },
  );
  if (!outcome.ok) throw new CommandError(outcome.failure.kind === 'problem' ? `${outcome.failure.problem.message} ${outcome.failure.problem.fix}` : outcome.failure.message);
  return outcome.report.can ?? { ok: false, message: vscode.l10n.t('No answer came back.') };
}
