// Shared steps of the wizard end-to-end tests: open a wizard from the palette, reach into its page, run axe-core in
// the webview's own frame, and close every editor between tests.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, FrameLocator } from 'playwright-core';
import { REPO_ROOT, type VSCodeSession } from '../harness/vscode';

const AXE_SOURCE = readFileSync(join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

export async function openWizard(vscode: VSCodeSession, title: string): Promise<FrameLocator> {
  // Right after start the palette may not list the extension's commands yet: try again once.
  await vscode.runCommand(`Azure Dev Auth: ${title}`).catch(async () => {
    await vscode.page.keyboard.press('Escape');
    await vscode.page.waitForTimeout(2_000);
    await vscode.runCommand(`Azure Dev Auth: ${title}`);
  });
  const frame = vscode.webviewFrame();
  await frame.locator('h1').waitFor({ state: 'visible', timeout: 30_000 });
  return frame;
}

export async function closeAllEditors(vscode: VSCodeSession): Promise<void> {
  await vscode.runCommand('View: Close All Editors');
  await vscode.page.locator('iframe.webview').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
}

/** The visible webview's host frame (VS Code's own page around the wizard's content). */
export async function hostFrame(vscode: VSCodeSession): Promise<Frame> {
  const handle = await vscode.page.locator('iframe.webview.ready').first().elementHandle();
  const outer = await handle?.contentFrame();
  assert.ok(outer, 'the webview frame exists');
  return outer;
}

/** The wizard's content frame as a Frame (for evaluate): the child of the visible webview iframe. */
export async function contentFrame(vscode: VSCodeSession): Promise<Frame> {
  const handle = await vscode.page.locator('iframe.webview.ready').first().elementHandle();
  const outer = await handle?.contentFrame();
  assert.ok(outer, 'the webview frame exists');
  const inner = outer.childFrames()[0];
  assert.ok(inner, 'the webview content frame exists');
  return inner;
}

/** Runs axe-core inside the wizard page; fails on any serious or critical violation. */
export async function assertAccessible(vscode: VSCodeSession, step: string): Promise<void> {
  const frame = await contentFrame(vscode);
  const violations = await frame.evaluate(async (source) => {
    if (!(window as unknown as { axe?: unknown }).axe) (0, eval)(source);
    const axe = (window as unknown as { axe: { run(context: Document, options: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  }, AXE_SOURCE);
  assert.deepEqual(violations, [], `axe found serious or critical violations on the ${step} step`);
}

/** The value of a vscode-textfield (its inner input). */
export async function fieldValue(frame: FrameLocator, id: string): Promise<string> {
  return frame.locator(`#${id} input`).inputValue();
}
