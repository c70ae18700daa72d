// `azure-dev-auth whoami --code FILE` and `roles --code FILE`: the line that names the modelled call, the tool timeout
// the access load gets from the code, and the answer when that call gets no token.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeHeader, processTimeoutFor, runAccess } from '../../src/cli/access';
import { parseChainArgs } from '../../src/cli/main';
import type { ChainReport } from '../../src/core/chain/types';
import { codeCallIn } from '../../src/core/code/codeModel';

const APP = [
  'from azure.identity import DefaultAzureCredential as DAC, ChainedTokenCredential, AzureCliCredential, AzurePowerShellCredential',
  'first = DAC(',
  '    exclude_environment_credential=True,',
  '    process_timeout=7,',
  '    exclude_cli_credential=flag,',
  ')',
  'second = ChainedTokenCredential(AzurePowerShellCredential(process_timeout=3), AzureCliCredential(), make("\u001b[2J\u202eevil"))',
].join('\n');

function chainWith(code: Awaited<ReturnType<typeof codeCallIn>>, verdict: ChainReport['verdict']): ChainReport {
  return { azureIdentityVersion: '1.23.1', versionSource: 'flag', verification: null, sources: [], verdict, code: { ...code, overrides: { applied: [], notApplied: [] } } };
}

test('the header is one line: where the call is, the call as modelled, what the source does not tell; hostile text stays text', async () => {
  const dac = await codeCallIn(APP, { file: 'app.py' });
  assert.equal(codeHeader({ ...dac, overrides: { applied: [], notApplied: [] } }),
    'Code: DefaultAzureCredential at app.py:2 · DefaultAzureCredential(exclude_environment_credential=True, process_timeout=7) (not known from the source: exclude_cli_credential)');
  const chained = await codeCallIn(APP, { file: 'app.py', line: 7 });
  const header = codeHeader({ ...chained, overrides: { applied: [], notApplied: [] } });
  assert.doesNotMatch(header, /\n/);
  assert.match(header, /^Code: ChainedTokenCredential at app\.py:7 · ChainedTokenCredential\(AzurePowerShellCredential\(process_timeout=3\), AzureCliCredential\(\), make\("\\x1B\[2J\\u202Eevil"\)\)/);
  // eslint-disable-next-line no-control-regex -- the point: no raw control or direction character reaches the terminal
  assert.doesNotMatch(header, /[\u001b\u202e]/);
});

test("the access load's tool timeout: the command line's, else the code's process_timeout, else the chosen member's own", async () => {
  const dac = chainWith(await codeCallIn(APP, { file: 'app.py' }), { outcome: 'token', credential: 'AzureCliCredential', message: '' });
  assert.equal(processTimeoutFor(dac, { exclude: {}, processTimeoutSeconds: 7 }, 'AzureCliCredential'), 7);
  const chained = chainWith(await codeCallIn(APP, { file: 'app.py', line: 7 }), { outcome: 'token', credential: 'AzurePowerShellCredential', message: '' });
  assert.equal(processTimeoutFor(chained, { exclude: {} }, 'AzurePowerShellCredential'), 3);
  assert.equal(processTimeoutFor(chained, { exclude: {} }, 'AzureCliCredential'), undefined);
  const plain: ChainReport = { ...dac, code: undefined };
  assert.equal(processTimeoutFor(plain, { exclude: {} }, 'AzureCliCredential'), undefined);
});

test('whoami --code when that call gets no token: the call first, then the failure under its own name (exit 1)', async (t) => {
  const chained = await codeCallIn(APP, { file: 'app.py', line: 7 });
  const errors: string[] = [];
  const originalErr = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => { errors.push(String(chunk)); return true; }) as typeof process.stderr.write;
  t.after(() => { process.stderr.write = originalErr; });
  const status = await runAccess('whoami', ['--code', 'app.py:7'], new AbortController().signal, {
    parseChainArgs,
    chainReportFor: async (options) => {
      assert.deepEqual(options.code, { file: 'app.py', line: 7 }, '--code reaches the chain');
      return { report: chainWith(chained, { outcome: 'failure', credential: null, message: 'ChainedTokenCredential failed to retrieve a token' }), env: {}, keywordArguments: { exclude: {} } };
    },
  });
  process.stderr.write = originalErr;
  assert.equal(status, 1);
  const lines = errors.join('').split('\n');
  assert.match(lines[0]!, /^Code: ChainedTokenCredential at app\.py:7 · /);
  assert.match(lines[1]!, /^azure-dev-auth: The ChainedTokenCredential at app\.py:7 gets no token here: /);
});
