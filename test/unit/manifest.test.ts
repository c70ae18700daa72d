// The manifest is the contract with VS Code: these checks are what a user would notice when it is wrong
// (a command without its category in the palette, a view that never shows, an extension that never activates).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ACCESS_VIEW_ID, CHAIN_VIEW_ID, COMMAND_TITLES, Commands, VIEW_CONTAINER_ID } from '../../src/extension/ids';

const repo = join(__dirname, '..', '..');
const rawManifest = readFileSync(join(repo, 'package.json'), 'utf8');
const nls = JSON.parse(readFileSync(join(repo, 'package.nls.json'), 'utf8')) as Record<string, string>;
/** The manifest as VS Code shows it in English: every %key% replaced by its package.nls.json text. */
const manifest = JSON.parse(rawManifest, (_key, value: unknown) => {
  if (typeof value !== 'string') return value;
  const key = /^%([^%\s]+)%$/.exec(value)?.[1];
  return key === undefined ? value : nls[key] ?? value;
});

test('every user-visible manifest string is a %key% of package.nls.json, and every key there is used', () => {
  const check = spawnSync(process.execPath, [join(repo, 'test', 'harness', 'manifest-nls.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  const used = new Set([...rawManifest.matchAll(/"%([^%\s"]+)%"/g)].map((m) => m[1]!));
  assert.deepEqual([...used].filter((k) => nls[k] === undefined), [], 'keys without a text');
  assert.deepEqual(Object.keys(nls).filter((k) => !used.has(k)), [], 'texts no manifest string uses');
  // The .vsix carries the texts with the manifest (.vscodeignore leaves out what it does not name).
  assert.match(readFileSync(join(repo, '.vscodeignore'), 'utf8'), /^!package\.nls\.json$/m);
});

test('every command has the category "Azure Dev Auth" and a title', () => {
  for (const command of manifest.contributes.commands) {
    assert.equal(command.category, 'Azure Dev Auth', command.command);
    assert.ok(command.title.length > 0);
  }
});

test('every command the code registers is declared in the manifest, and the reverse', () => {
  const declared = new Set(manifest.contributes.commands.map((c: { command: string }) => c.command));
  const inCode = new Set(Object.values(Commands));
  assert.deepEqual([...declared].sort(), [...inCode].sort());
});

test('messages about a command use the title the palette shows', () => {
  for (const command of manifest.contributes.commands as { command: keyof typeof COMMAND_TITLES; title: string }[]) {
    assert.equal(COMMAND_TITLES[command.command], command.title, command.command);
  }
});

test('the container holds the two views, each with welcome content', () => {
  assert.equal(manifest.contributes.viewsContainers.activitybar[0].id, VIEW_CONTAINER_ID);
  const views = manifest.contributes.views[VIEW_CONTAINER_ID].map((v: { id: string; name: string }) => [v.id, v.name]);
  assert.deepEqual(views, [[CHAIN_VIEW_ID, 'Credential Chain'], [ACCESS_VIEW_ID, 'Access']]);
  const welcomed = manifest.contributes.viewsWelcome.map((w: { view: string }) => w.view).sort();
  assert.deepEqual(welcomed, [ACCESS_VIEW_ID, CHAIN_VIEW_ID].sort());
});

test('the extension targets a VS Code no newer than 1.139 and declares limited untrusted-workspace support', () => {
  const [, major, minor] = /(\d+)\.(\d+)/.exec(manifest.engines.vscode) ?? [];
  assert.ok(Number(major) === 1 && Number(minor) <= 139, manifest.engines.vscode);
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.ok(!manifest.extensionDependencies, 'the extension must activate without the Python extension');
});

test('icons exist in media/', () => {
  for (const file of [manifest.icon, manifest.contributes.viewsContainers.activitybar[0].icon]) {
    assert.ok(statSync(join(repo, file)).size > 200, file);
  }
});

test('activation is lazy: a Python project (its files, a .env, a Python editor), plus the wizard panels VS Code restores after a reload (views and commands activate implicitly)', () => {
  // Not onStartupFinished: VS Code starts every extension of that event at once, and the time each takes to load is
  // counted into the others' activation time ("Developer: Show Running Extensions").
  assert.deepEqual(manifest.activationEvents, [
    'onLanguage:python',
    'workspaceContains:**/*.py',
    'workspaceContains:**/pyproject.toml',
    'workspaceContains:**/requirements.txt',
    'workspaceContains:.env',
    'onWebviewPanel:azureDevAuth.wizard',
    'onWebviewPanel:azureDevAuth.signInWizard',
  ]);
  assert.ok(!manifest.activationEvents.includes('*') && !manifest.activationEvents.includes('onStartupFinished'));
});
