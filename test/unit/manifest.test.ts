// The manifest is the contract with VS Code: these checks are what a user would notice when it is wrong
// (a command without its category in the palette, a view that never shows, an extension that never activates).
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ACCESS_VIEW_ID, CHAIN_VIEW_ID, COMMAND_TITLES, Commands, VIEW_CONTAINER_ID } from '../../src/extension/ids';

const repo = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));

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

test('activation is lazy: onStartupFinished, plus the wizard panels VS Code restores after a reload (views and commands activate implicitly)', () => {
  assert.deepEqual(manifest.activationEvents, ['onStartupFinished', 'onWebviewPanel:azureDevAuth.wizard', 'onWebviewPanel:azureDevAuth.signInWizard']);
});
