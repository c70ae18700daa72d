// The CLI's documented invocations on Node 20, 22 and 24: `node dist/cli.js chain --dotenv .env`, the installed
// bin, and `node dist/cli.js -- chain --env-file .env` (Node 20 takes a bare --env-file for itself). Each must read
// the .env (a value from it shows in the report) and answer with the chain's exit status, not Node's error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
// @ts-expect-error plain ESM helper without type declarations
import { ensureNode22, ensureNode24 } from '../harness/toolchain.mjs';
import type { ChainReport } from '../../src/core/chain/types';

const repoRoot = join(__dirname, '..', '..');
const CLI = join(repoRoot, 'dist', 'cli.js');
const scratch = mkdtempSync(join(tmpdir(), 'cli-node-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const nodes: Array<[string, string]> = [
  ['20', process.execPath],
  ['22', (ensureNode22() as { node: string }).node],
  ['24', (ensureNode24() as { node: string }).node],
];

// A .env whose secret-less service principal makes EnvironmentCredential's row name a tenant from the file.
writeFileSync(join(scratch, '.env'), 'AZURE_TENANT_ID=not a tenant!\nAZURE_CLIENT_ID=00000000-0000-0000-0000-000000000001\nAZURE_CLIENT_SECRET=x\n');
const only = ['--azure-identity-version', '1.23.1', '--json',
  ...['WorkloadIdentityCredential', 'ManagedIdentityCredential', 'SharedTokenCacheCredential', 'VisualStudioCodeCredential', 'AzureCliCredential',
    'AzurePowerShellCredential', 'AzureDeveloperCliCredential'].flatMap((c) => ['--exclude', c])];

function environmentRow(stdout: string): string {
  const report = JSON.parse(stdout) as ChainReport;
  return report.sources.find((s) => s.credential === 'EnvironmentCredential')!.message;
}

for (const [version, node] of nodes) {
  test(`Node ${version}: the documented invocations read the .env`, () => {
    assert.ok(existsSync(CLI), 'dist/cli.js is built by npm test');
    assert.ok(existsSync(node), `Node ${version} at ${node}`);
    assert.match(spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout, new RegExp(`^v${version}\\.`));
    // The bin as npm installs it: a link to dist/cli.js, run through its #!/usr/bin/env node line with this Node first on PATH.
    const bin = join(scratch, `bin-${version}`);
    mkdirSync(bin);
    symlinkSync(CLI, join(bin, 'azure-dev-auth'));
    const env = { ...process.env, PATH: `${bin}:${dirname(node)}:/usr/bin:/bin` };
    const runs: Array<[string, string, string[]]> = [
      ['node dist/cli.js chain --dotenv .env', node, [CLI, 'chain', '--dotenv', '.env', ...only]],
      ['node dist/cli.js -- chain --env-file .env', node, [CLI, '--', 'chain', '--env-file', '.env', ...only]],
      ['azure-dev-auth chain --dotenv .env', join(bin, 'azure-dev-auth'), ['chain', '--dotenv', '.env', ...only]],
    ];
    for (const [what, file, args] of runs) {
      const r = spawnSync(file, args, { cwd: scratch, env, encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 1, `${what} on Node ${version}: exit ${r.status}, stderr ${r.stderr}`);
      assert.match(environmentRow(r.stdout), /Invalid tenant id provided/i, `${what} on Node ${version} read the .env`);
    }
  });
}
