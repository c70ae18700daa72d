// The VS Code account as the Access view's source: when Python's token comes from VisualStudioCodeCredential (the
// Azure Resources sign-in), the view asks VS Code's Microsoft sign-in for the same account and tenant, and shows that
// account's roles exactly as it shows them through az. VS Code's provider is a stand-in here (its sessions are real
// sandbox tokens); the real vscode.authentication needs a Microsoft sign-in the sandbox cannot give a VS Code.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { signInDemoDeveloper } from '../../src/sandbox/demo';
import { startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensureToolsBuilt, repoRoot, run } from './helpers/sandbox';

let sb: Sandbox;
const home = mkdtempSync(join(tmpdir(), 'vscode-account-'));

before(async () => {
  await ensureToolsBuilt();
  sb = await startSandbox();
  await signInDemoDeveloper(sb, home, 'alice', ['az']);
});
after(async () => {
  await sb?.stop();
  rmSync(home, { recursive: true, force: true });
});

interface Summary { ok: boolean; message?: string; who?: { upn?: string | null; tenantId?: string | null }; roles?: string[] }

test('the VS Code account shows the same roles as az for alice; without the editor, another account or consent, it says what to do', async () => {
  const cloud = {
    name: 'Sandbox', authorityHost: sb.authorityHost.replace(/\/+$/, ''), resourceManager: sb.resourceManager, resourceManagerAudience: 'https://management.azure.com',
    graph: sb.graph, graphAudience: 'https://graph.microsoft.com',
  };
  const alice = sb.users.alice!;
  const r = await run(process.execPath, ['--import', 'tsx', join(repoRoot, 'test', 'integration', 'helpers', 'vscodeAccountRun.ts'), JSON.stringify({
    cloud, upn: alice.upn, password: alice.password, tenant: sb.tenantId,
  })], { env: { ...sb.toolEnv(home), ...sb.managedIdentityEnv('none') }, cwd: repoRoot, timeoutMs: 180_000 });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<'vscode' | 'az' | 'withoutEditor' | 'otherAccount' | 'noConsent', Summary> & { asked: string[][] };

  assert.equal(out.vscode.ok, true, out.vscode.message);
  assert.equal(out.az.ok, true, out.az.message);
  assert.ok(out.az.roles!.length > 0, 'alice has roles through az');
  assert.deepEqual(out.vscode.roles, out.az.roles);
  assert.match(JSON.stringify(out.vscode.who), /alice@/);
  // The same account in the same tenant: the tenant goes to VS Code's provider as VSCODE_TENANT.
  assert.ok(out.asked.every((scopes) => scopes.includes(`VSCODE_TENANT:${sb.tenantId}`)), JSON.stringify(out.asked));
  assert.ok(out.asked.some((scopes) => scopes.includes('https://management.azure.com/.default')), JSON.stringify(out.asked));

  assert.equal(out.withoutEditor.ok, false);
  assert.match(out.withoutEditor.message!, /authentication broker/);
  assert.equal(out.otherAccount.ok, false);
  assert.match(out.otherAccount.message!, /not signed in to Microsoft as alice@.*Accounts menu/);
  assert.equal(out.noConsent.ok, false);
  assert.match(out.noConsent.message!, /has not let Azure Dev Auth use alice@.*Accounts menu/);
});
