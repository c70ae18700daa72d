// The extension can be translated: l10n/bundle.l10n.json holds every message the code looks up, and no text a user
// reads in a notification, quick pick, input box, progress, status bar item, tree item or terminal name bypasses
// vscode.l10n.t. The sources are read with the TypeScript compiler, so a call split over lines or nested in a
// ternary is seen the way the compiler sees it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
// @ts-expect-error: a plain .mjs harness script, typed by its use here.
import { BUNDLE_FILE, expectedBundle, sourceFiles } from '../harness/l10n-bundle.mjs';

const repo = join(__dirname, '..', '..');

interface Source { readonly path: string; readonly contents: string }
const sources = (sourceFiles as () => Source[])();

/** A string a user would read: it has a letter once codicons ($(name)) and {0} placeholders are taken out. */
function readable(text: string): boolean {
  return /\p{L}/u.test(text.replace(/\$\([^)]*\)/g, '').replace(/\{\d+\}/g, ''));
}

/** `vscode.l10n.t(…)` or (in the pages) `l10n.t(…)`. */
function isL10nCall(node: ts.Node): node is ts.CallExpression {
  if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression) || node.expression.name.text !== 't') return false;
  const owner = node.expression.expression;
  return (ts.isIdentifier(owner) && owner.text === 'l10n') || (ts.isPropertyAccessExpression(owner) && owner.name.text === 'l10n');
}

/** Property names whose value is shown as is: quick pick items, input box and progress options, tree items, terminals. */
const SHOWN_PROPERTIES = new Set(['label', 'description', 'detail', 'title', 'placeHolder', 'placeholder', 'prompt', 'tooltip', 'text', 'name', 'message']);

/** The literal text in `node` that reaches the user untranslated, where `node` is a value the user will read. */
function untranslated(node: ts.Expression, found: ts.Node[]): void {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) { if (readable(node.text)) found.push(node); return; }
  if (ts.isTemplateExpression(node)) {
    if (readable([node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' '))) found.push(node);
    for (const span of node.templateSpans) untranslated(span.expression, found);
    return;
  }
  if (isL10nCall(node)) return;
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) { untranslated(node.expression, found); return; }
  if (ts.isConditionalExpression(node)) { untranslated(node.whenTrue, found); untranslated(node.whenFalse, found); return; }
  if (ts.isBinaryExpression(node) && [ts.SyntaxKind.PlusToken, ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(node.operatorToken.kind)) {
    untranslated(node.left, found); untranslated(node.right, found); return;
  }
  if (ts.isArrayLiteralExpression(node)) { for (const e of node.elements) if (!ts.isSpreadElement(e)) untranslated(e, found); return; }
  if (ts.isObjectLiteralExpression(node)) {
    for (const p of node.properties) {
      if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && SHOWN_PROPERTIES.has(p.name.text)) untranslated(p.initializer, found);
    }
    return;
  }
  // `new vscode.MarkdownString('…')` is shown as it is given.
  if (ts.isNewExpression(node) && node.expression.getText().endsWith('MarkdownString') && node.arguments?.[0]) untranslated(node.arguments[0], found);
}

/** The calls and assignments whose strings a user reads, and the untranslated literals in them. */
function scan(file: ts.SourceFile): ts.Node[] {
  const found: ts.Node[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const name = node.expression.name.text;
      const args = [...node.arguments];
      // Message, then the buttons; a modal's options object carries its `detail`.
      if (/^show(Information|Warning|Error)Message$/.test(name)) for (const a of args) untranslated(a, found);
      else if (name === 'showQuickPick' || name === 'showInputBox' || name === 'withProgress' || name === 'createTerminal') for (const a of args) untranslated(a, found);
      else if (name === 'createQuickPick' || name === 'createInputBox') for (const a of args) untranslated(a, found);
      else if (name === 'setStatusBarMessage' && args[0]) untranslated(args[0], found);
    }
    if (ts.isNewExpression(node) && /(^|\.)TreeItem$/.test(node.expression.getText()) && node.arguments?.[0]) untranslated(node.arguments[0], found);
    // Failures the command wrapper and the pages show as they are: CommandError(message), PageFailure, NoSession and ServicePrincipalFailure(kind, message).
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.arguments) {
      const at = { CommandError: 0, PageFailure: 1, NoSession: 1, ServicePrincipalFailure: 1 }[node.expression.text];
      const message = at === undefined ? undefined : node.arguments[at];
      if (message) untranslated(message, found);
    }
    // A quick pick item built before the pick: { label, description | detail }.
    if (ts.isObjectLiteralExpression(node)) {
      const names = new Set(node.properties.flatMap((p) => (p.name && ts.isIdentifier(p.name) ? [p.name.text] : [])));
      if (names.has('label') && (names.has('description') || names.has('detail'))) {
        for (const p of node.properties) {
          if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && ['label', 'description', 'detail'].includes(p.name.text)) untranslated(p.initializer, found);
        }
      }
    }
    // A next step offered on a failure: { title, run }.
    if (ts.isObjectLiteralExpression(node) && node.properties.some((p) => p.name && ts.isIdentifier(p.name) && p.name.text === 'run')) {
      for (const p of node.properties) if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === 'title') untranslated(p.initializer, found);
    }
    // item.text = …, quickPick.placeholder = …, treeItem.tooltip = …
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left)
      && ['text', 'tooltip', 'title', 'placeholder', 'prompt', 'label', 'description', 'validationMessage'].includes(node.left.name.text)) {
      untranslated(node.right, found);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  // An item inside a showQuickPick call is seen twice: once as an argument, once as an item.
  return [...new Set(found)];
}

function where(file: ts.SourceFile, node: ts.Node): string {
  const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
  return `${relative(repo, file.fileName)}:${line + 1}: ${node.getText(file).slice(0, 100)}`;
}

const parsed = (source: Source) => ts.createSourceFile(source.path, source.contents, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);

test('l10n/bundle.l10n.json holds exactly the messages the sources translate (npm run l10n rewrites it)', async () => {
  const current = JSON.parse(readFileSync(BUNDLE_FILE, 'utf8')) as Record<string, unknown>;
  const expected = await (expectedBundle as () => Promise<Record<string, unknown>>)();
  assert.deepEqual(Object.keys(expected).filter((k) => !(k in current)), [], 'messages missing from the bundle');
  assert.deepEqual(Object.keys(current).filter((k) => !(k in expected)), [], 'messages no source uses any more');
  assert.deepEqual(current, expected);
  assert.ok(Object.keys(expected).length > 0);
});

test('the manifest points VS Code at the bundle, and the .vsix carries it', () => {
  const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { l10n?: string };
  assert.equal(manifest.l10n, './l10n');
  assert.match(readFileSync(join(repo, '.vscodeignore'), 'utf8'), /^!l10n\/\*\*$/m);
});

test('every translated message is one string literal, so the bundle has the key the code looks up', () => {
  const bad: string[] = [];
  for (const source of sources) {
    const file = parsed(source);
    const visit = (node: ts.Node): void => {
      if (isL10nCall(node)) {
        const message = node.arguments[0];
        if (!message || !(ts.isStringLiteral(message) || ts.isNoSubstitutionTemplateLiteral(message))) bad.push(where(file, node));
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  assert.deepEqual(bad, []);
});

test('no user-visible literal in src/extension reaches VS Code without vscode.l10n.t', () => {
  const bad = sources.filter((s) => relative(repo, s.path).startsWith(join('src', 'extension'))).flatMap((source) => {
    const file = parsed(source);
    return scan(file).map((node) => where(file, node));
  });
  assert.deepEqual(bad, []);
});

test('the scanner sees what it is meant to see (each of these is a finding)', () => {
  const sample = [
    "vscode.window.showWarningMessage('Not signed in.', 'Sign In');",
    "vscode.window.showInformationMessage(vscode.l10n.t('Signed in as {0}.', who), 'Open');",
    'vscode.window.showErrorMessage(`Failed: ${reason}`);',
    "vscode.window.showQuickPick([{ label: 'Azure CLI', description: vscode.l10n.t('signed in') }], { placeHolder: 'Pick a source' });",
    "vscode.window.showInputBox({ prompt: ok ? vscode.l10n.t('Tenant') : 'Tenant id' });",
    "vscode.window.withProgress({ location: 15, title: 'Checking…' }, task);",
    "item.text = '$(azure) Azure Dev Auth';",
    "item.text = '$(sync~spin)';",
    "pick.placeholder = 'Choose';",
    "vscode.window.createTerminal({ name: 'Azure Dev Auth: az login', shellPath: 'az' });",
    "new vscode.TreeItem('Loading…');",
    "vscode.window.showInformationMessage(vscode.l10n.t('Done.'), { modal: true, detail: 'More' });",
    "throw new CommandError('Nothing to copy yet.', [{ title: 'Refresh', run }]);",
    "throw new PageFailure('invalid', vscode.l10n.t('Trust the workspace first.'));",
    "const items = [{ label: '$(refresh) Retry', detail: vscode.l10n.t('Check again.') }, { label: folder.name, description: 'chosen' }];",
  ].join('\n');
  const file = ts.createSourceFile('sample.ts', sample, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const findings = scan(file).map((n) => n.getText(file));
  assert.deepEqual(findings, [
    "'Not signed in.'", "'Sign In'", "'Open'", '`Failed: ${reason}`', "'Azure CLI'", "'Pick a source'", "'Tenant id'", "'Checking…'",
    "'$(azure) Azure Dev Auth'", "'Choose'", "'Azure Dev Auth: az login'", "'Loading…'", "'More'", "'Nothing to copy yet.'", "'Refresh'", "'$(refresh) Retry'", "'chosen'",
  ]);
});

/** The files of src/core whose texts the views and the CLI show: each of their sentences goes through l10n.t. */
const CORE_VIEW_FILES = [
  ...['accessRows', 'accessViewModel', 'chainRows', 'credentialLens', 'disagreementRow', 'exclusionAdvice', 'snapshot', 'snapshotView']
    .map((name) => join('src', 'core', 'presentation', `${name}.ts`)),
  join('src', 'core', 'access', 'can.ts'),
  join('src', 'core', 'access', 'model.ts'),
  // The Sign In page, its failures, the local-development service principal and the .env and auth files.
  ...['authFile', 'envFile', 'knownTenants', 'servicePrincipals', 'signInFailures', 'signInPage', 'signInPageCommands']
    .map((name) => join('src', 'core', 'signin', `${name}.ts`)),
  // The team wizards: groups, members, roles, the request for an administrator.
  ...['commands', 'facade', 'groups', 'names', 'recommend', 'roleAssignments'].map((name) => join('src', 'core', 'team', `${name}.ts`)),
  // The texts about the code: client-access hovers and Problems, runtime-error explanations, legacy auth.
  ...['clientAccess', 'codeProblems', 'errorExplanation', 'legacyAuth', 'codeModel'].map((name) => join('src', 'core', 'code', `${name}.ts`)),
  // Azure's refusals and failures explained, with the fix that fits the API and the active source.
  join('src', 'core', 'azure', 'errors.ts'),
  // The Access view's problems while it loads.
  join('src', 'core', 'access', 'load.ts'),
  join('src', 'core', 'access', 'credentials.ts'),
  join('src', 'core', 'access', 'remove.ts'),
  // The network layer's insights: private only, firewall, keys refused.
  join('src', 'core', 'access', 'networkLayer.ts'),
  // Verify with Python: where the real library and the engine differ, and why it could not run.
  join('src', 'core', 'python', 'verify.ts'),
  join('src', 'core', 'python', 'detect.ts'),
  // A file a workspace names, refused unread: a FIFO, a device, a directory, a file far too large.
  join('src', 'core', 'files', 'boundedRead.ts'),
  // The chain's notes (keywords ignored, members not modelled, AZURE_AUTH_LOCATION) and the workspace's own programs.
  ...['engine', 'chained', 'workspacePrograms', 'env'].map((name) => join('src', 'core', 'chain', `${name}.ts`)),
];

/** Literals of those files that stay as they are in every language, and why. */
const CORE_NOT_TRANSLATED = new Map<string, string>([
  ['credential = DefaultAzureCredential()', 'Python code the user pastes'],
  ['credential = DefaultAzureCredential(', 'Python code the user pastes'],
  ['Python: …', 'the product name and a path'],
  ['Python: ', 'the product name and a path'],
  ['$(azure) Azure Dev Auth', 'the product name'],
  ['Azure Dev Auth', 'the product name'],
  // azure-identity's names of its sources (WorkloadIdentityCredential …): names, like the products they stand for.
  ...['Workload Identity', 'Managed Identity', 'Shared Token Cache', 'Visual Studio Code', 'Azure CLI', 'Azure PowerShell', 'Azure Developer CLI',
    'Interactive Browser'].map((name): [string, string] => [name, "azure-identity's name of a source"]),
  ['az login', 'a shell command'],
  ['azd auth login', 'a shell command'],
  ['`az login`', 'a shell command'],
  ['`azd auth login`', 'a shell command'],
  ["`AttributeError: 'DefaultAzureCredential' object has no attribute 'signed_session'`", "the library's own error"],
  ['local development', "the client secret's name, stored in the tenant"],
  ['displayName eq ', 'a Microsoft Graph filter'],
  ['appId eq ', 'a Microsoft Graph filter'],
  ["principalId eq '", 'an Azure Resource Manager filter'],
  ['[].{name:displayName, upn:userPrincipalName, id:id}', 'an az --query expression'],
  ['{name: displayName, appId: appId, objectId: id}', 'an az --query expression'],
  ...['User Access Administrator', 'Role Based Access Control Administrator', 'Storage Blob Data Contributor', 'Key Vault Crypto Officer',
    'Key Vault Crypto User', 'Key Vault Certificates Officer', 'Key Vault Certificate User', 'Key Vault Secrets Officer', 'Key Vault Secrets User']
    .map((name): [string, string] => [name, "Azure's name of a role"]),
  ['Directory Readers', "Microsoft Entra ID's name of a directory role"],
  // azure-identity's own words: its log line (the verdict quotes it) and its error text, which the run is read by.
  [' acquired a token from ', "azure-identity's own log line"],
  ['.get_token succeeded', "azure-identity's own log line (a credential built on its own)"],
  ['\nAttempted credentials:\n', "azure-identity's own error text, matched"],
  ['\nTo mitigate this issue', "azure-identity's own error text, matched"],
  ['**Azure Dev Auth** · `', "the product name, then the client's class name"],
  ['python -m pip install --upgrade ', 'a shell command'],
  // The group's description is stored in the tenant, where the whole team reads it: it stays as written.
  ['Developers of ', "the group's description, stored in the tenant"],
  [' who run it locally; holds the roles its local development needs.', "the group's description, stored in the tenant"],
  ['export AZURE_AUTHORITY_HOST=', 'a shell command'],
  ['from azure.identity import ', 'Python code the user pastes'],
  ['# Opens a browser for the sign-in when no earlier source of the chain has a token.', 'Python code the user pastes'],
  ['# Prints a code to enter on the device-login page, from any browser, also on another device.', 'Python code the user pastes'],
  // An AbortError's message: a cancelled read or evaluation is never reported as a failure, so nobody reads it.
  ['The read was cancelled.', "an AbortError's message, never shown"],
  ['The chain evaluation was cancelled.', "an AbortError's message, never shown"],
  [".__init__() got an unexpected keyword argument 'process_timeout'", "Python's own TypeError, which Verify with Python compares"],
]);

/**
 * A sentence or phrase: two words of letters, once placeholders, codicons and Markdown code spans are taken out. A
 * shell command (az …, azd …, or the --options part of one) is not one: it is pasted as it is. A sentence that
 * quotes a command ("or run az login --allow-no-subscriptions") still is.
 */
function prose(text: string): boolean {
  if (/^(az|azd)\s|^\s*--[a-z]/.test(text)) return false;
  return /\p{L}{2,}[\s,:]*\s\p{L}/u.test(text.replace(/\$\([^)]*\)/g, '').replace(/\{\d+\}/g, '').replace(/`[^`]*`/g, ''));
}

/** Literals in a core view file that read as prose and reach a person without l10n.t. */
function coreScan(file: ts.SourceFile): ts.Node[] {
  const found: ts.Node[] = [];
  const visit = (node: ts.Node): void => {
    if (isL10nCall(node) || ts.isImportDeclaration(node) || ts.isTypeNode(node)) return;
    // Errors for programmers (an impossible state), not texts a view shows.
    if (ts.isNewExpression(node) && node.expression.getText(file) === 'Error') return;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      if (prose(node.text) && !CORE_NOT_TRANSLATED.has(node.text)) found.push(node);
    } else if (ts.isTemplateExpression(node)) {
      for (const part of [node.head.text, ...node.templateSpans.map((s) => s.literal.text)]) {
        if (prose(part) && !CORE_NOT_TRANSLATED.has(part)) { found.push(node); break; }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

test("no sentence of core's view texts reaches a view or the CLI without l10n.t", () => {
  const bad = sources.filter((s) => CORE_VIEW_FILES.includes(relative(repo, s.path))).flatMap((source) => {
    const file = parsed(source);
    return coreScan(file).map((node) => where(file, node));
  });
  assert.equal(sources.filter((s) => CORE_VIEW_FILES.includes(relative(repo, s.path))).length, CORE_VIEW_FILES.length);
  assert.deepEqual(bad, []);
});

test("core looks its texts up when it makes them, never at load, so the catalog set at start is the one used", () => {
  const bad: string[] = [];
  for (const source of sources.filter((s) => relative(repo, s.path).startsWith(join('src', 'core')))) {
    const file = parsed(source);
    const visit = (node: ts.Node, inFunction: boolean): void => {
      if (isL10nCall(node) && !inFunction) bad.push(where(file, node));
      ts.forEachChild(node, (child) => visit(child, inFunction || ts.isFunctionLike(node)));
    };
    visit(file, false);
  }
  assert.deepEqual(bad, []);
});

test('the core scanner sees what it is meant to see', () => {
  const sample = [
    "const a = 'Not reached';",
    "const b = l10n.t('Not reached');",
    'const c = `${who} · not reached`;',
    "const d = 'token';",
    "throw new Error('unexpected value');",
    "const e = 'az login';",
    'const f = `- ${l10n.t(\'Tenant: {0}\', id)}`;',
  ].join('\n');
  const file = ts.createSourceFile('sample.ts', sample, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  assert.deepEqual(coreScan(file).map((n) => n.getText(file)), ["'Not reached'", '`${who} · not reached`']);
});

/**
 * The CLI's own words (help, table headers, errors, hints, summaries): everything in src/cli a terminal shows goes
 * through l10n.t, as core's texts do. What a user types or pastes stays as it is in every language, so these
 * tokens are not words to translate: options (--json, -h) and their metavariables (PATH, NAME|JSON), the program's
 * and the library's names and the commands (azure-dev-auth, azure-identity, chain, whoami, roles, [options]), identifiers (AzureCliCredential, authorityHost,
 * AZURE_TENANT_ID, exclude_<…>=True, SIGINT), paths, file names and versions, and commands to paste (az …).
 */
const CLI_CODE_TOKEN = /^(?:-{1,2}[a-z][a-z0-9-]*|azure-dev-auth|azure-identity|chain|whoami|roles|\[options\]|[A-Z][A-Z0-9_|]*(?:\[:[A-Z][A-Z0-9_]*\])?|[A-Za-z]+(?:[A-Z][a-z0-9]*)+|\S*[_=/0-9$]\S*|\S*\.\w\S*)[,.:;)(`'"]*$/;

/** Single words of the CLI's sources that are program words, not English to translate, and why. */
const CLI_NOT_TRANSLATED = new Map<string, string>([
  ['flag', "a value of the Access load's input (where the cloud came from), never shown"],
  ['Ctrl+C', 'the name of a key'],
  ['{"authorityHost", "resourceManager", "resourceManagerAudience", "graph",\n"graphAudience", "portal"}', "the keys of --cloud's JSON, typed as they are"],
]);

/** The words of `text` a person reads (two letters or more), once code tokens and ${…} placeholders are taken out. */
function cliWords(text: string): string[] {
  return text.replace(/^\s*az\s.*$/gm, '').split(/[\s•·→—!]+/)
    .map((token) => token.replace(/^[(`'"]+/, ''))
    .filter((token) => token !== '' && !CLI_CODE_TOKEN.test(token) && /\p{L}{2}/u.test(token));
}

/** Literals in a CLI source that a terminal would show with English words the catalog does not know. */
function cliScan(file: ts.SourceFile): ts.Node[] {
  const found: ts.Node[] = [];
  const check = (node: ts.Node, text: string): void => {
    if (!CLI_NOT_TRANSLATED.has(text) && cliWords(text).length) found.push(node);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isTypeNode(node)) return;
    // Errors for programmers (an impossible state), not texts a terminal shows.
    if (ts.isNewExpression(node) && node.expression.getText(file) === 'Error') return;
    // The message is the catalog's key; the values filled into it are checked like any other literal.
    if (isL10nCall(node)) { node.arguments.slice(1).forEach(visit); return; }
    // What the program compares an argument or key with is never printed.
    if (ts.isBinaryExpression(node) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.InKeyword].includes(node.operatorToken.kind)) return;
    if (ts.isCaseClause(node)) { node.statements.forEach(visit); return; }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) check(node, node.text);
    else if (ts.isTemplateExpression(node)) check(node, [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' '));
    ts.forEachChild(node, visit);
  };
  visit(file);
  return [...new Set(found)];
}

test('no word of the CLI (help, table headers, errors, hints, summaries) reaches the terminal without l10n.t', () => {
  const cli = sources.filter((s) => relative(repo, s.path).startsWith(join('src', 'cli')));
  assert.ok(cli.length >= 4, 'the CLI sources are read');
  const bad = cli.flatMap((source) => {
    const file = parsed(source);
    return cliScan(file).map((node) => where(file, node));
  });
  assert.deepEqual(bad, []);
});

test('the CLI scanner sees what it is meant to see', () => {
  const sample = [
    "lines.push('Token expires soon.', 'Done.');",
    "const header = ['#', 'Source', l10n.t('Result')];",
    "throw new UsageError(l10n.t('{0}: not a version.', 'see the docs'));",
    'out.push(`  condition: ${c}`);',
    "const kind = k === 'user' ? 'user' : 'group';",
    "const row = ['--allow-host HOST', '--cloud NAME|JSON', 'azure-dev-auth chain [options]', 'exclude_<…>=True', 'AzureCliCredential'];",
    "if (command === 'chain' || rest.includes('--help')) process.stdout.write(`azure-dev-auth: ${l10n.t('cancelled')}\\n`);",
    "out.push(`  az role assignment list --assignee ${id} --all`, '/subscriptions/<id>/resourceGroups/<name>');",
    "if ('problem' in crossCheck) process.env.TZ = 'UTC';",
  ].join('\n');
  const file = ts.createSourceFile('sample.ts', sample, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  assert.deepEqual(cliScan(file).map((n) => n.getText(file)), ["'Token expires soon.'", "'Done.'", "'Source'", "'see the docs'", '`  condition: ${c}`', "'user'", "'group'"]);
});
