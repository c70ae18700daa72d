// The editor's problems, rule by rule: an exclude_* keyword that leaves out the only signed-in source (and the edit
// that removes it, on the shapes calls are written in), an AZURE_TOKEN_CREDENTIALS value the installed version does
// not understand, and a .env with AZURE_CLIENT_SECRET that git tracks — found by reading git's index, never by
// running git in the repository (whose config may name programs), with the pasted command proved by real bash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { findCredentialCalls, type CredentialCall, type SourceRange } from '../../src/core/code/credentialCalls';
import { exclusionProblems, gitignoreLine, keywordExclusionsToRecheck, tokenCredentialsProblem, trackedSecretProblem, type ProblemFix } from '../../src/core/code/codeProblems';
import { dotEnvEntry } from '../../src/core/code/dotEnvLines';
import { GitIndexError, isTrackedByGit, walkIndexPaths } from '../../src/core/code/gitIndex';
import type { ChainReport, CredentialName, SourceResult } from '../../src/core/chain/types';
import { familyFor, planExclusions } from '../../src/core/chain/versions';

/** `text` with `range` replaced (0-based lines, UTF-16 columns), as an editor applies an edit. */
function applyEdit(text: string, range: SourceRange, replacement: string): string {
  const lines = text.split('\n');
  const offset = (line: number, column: number) => lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + column;
  return text.slice(0, offset(range.startLine, range.startColumn)) + replacement + text.slice(offset(range.endLine, range.endColumn));
}

function source(credential: CredentialName, status: SourceResult['status'], upn?: string): SourceResult {
  return {
    credential, status, reached: true, decisive: status === 'succeeded', message: '', identity: upn ? { upn } : null,
    expiresOn: null, elapsedMs: 1,
  };
}

function report(sources: SourceResult[]): ChainReport {
  const winner = sources.find((s) => s.status === 'succeeded');
  return {
    azureIdentityVersion: '1.23.1', versionSource: 'python', sources, verification: null,
    verdict: winner ? { outcome: 'token', credential: winner.credential, message: '' } : { outcome: 'failure', credential: null, message: 'DefaultAzureCredential failed to retrieve a token' },
  };
}

const IMPORT = 'from azure.identity import DefaultAzureCredential as DAC\n';

test('removing a keyword leaves valid Python in every shape a call is written in', async () => {
  const cases: [string, string][] = [
    ['c = DAC(exclude_cli_credential=True)\n', 'c = DAC()\n'],
    ['c = DAC(exclude_cli_credential=True,)\n', 'c = DAC()\n'],
    ['c = DAC(\n    exclude_cli_credential=True,\n)\n', 'c = DAC()\n'],
    ['c = DAC(exclude_cli_credential=True, process_timeout=20)\n', 'c = DAC(process_timeout=20)\n'],
    ['c = DAC(process_timeout=20, exclude_cli_credential=True)\n', 'c = DAC(process_timeout=20)\n'],
    ['c = DAC(\n    process_timeout=20,\n    exclude_cli_credential=True,  # only az\n    exclude_environment_credential=True,\n)\n',
      'c = DAC(\n    process_timeout=20,\n    exclude_environment_credential=True,\n)\n'],
    ['c = DAC(\n    process_timeout=20,\n    exclude_cli_credential=True,\n)\n', 'c = DAC(\n    process_timeout=20,\n)\n'],
    ['c = DAC(**options, exclude_cli_credential=True)\n', 'c = DAC(**options)\n'],
  ];
  for (const [code, expected] of cases) {
    const [call] = await findCredentialCalls(IMPORT + code);
    const ranges = call!.keywordRanges.get('exclude_cli_credential')!;
    assert.equal(applyEdit(IMPORT + code, ranges.removal, ''), IMPORT + expected, code);
    assert.equal(applyEdit(IMPORT + code, ranges.written, 'X'), IMPORT + code.replace('exclude_cli_credential=True', 'X'));
  }
});

test('exclude_cli_credential=True when az is the only source signed in: a warning on the keyword, fixes to remove it or sign in elsewhere', async () => {
  const text = `${IMPORT}\ncredential = DAC(\n    exclude_cli_credential=True,\n    process_timeout=30,\n)\n`;
  const [call] = await findCredentialCalls(text);
  const failing = report([source('EnvironmentCredential', 'unavailable'), source('AzureCliCredential', 'excluded'), source('AzureDeveloperCliCredential', 'unavailable')]);
  assert.deepEqual(keywordExclusionsToRecheck(call!, failing), ['AzureCliCredential']);
  const without = report([source('EnvironmentCredential', 'unavailable'), source('AzureCliCredential', 'succeeded', 'alice@contoso.com'), source('AzureDeveloperCliCredential', 'unavailable')]);
  const [problem, ...more] = exclusionProblems(call!, failing, without);
  assert.equal(more.length, 0);
  assert.equal(problem!.rule, 'exclude-only-signed-in');
  assert.match(problem!.message, /^exclude_cli_credential=True leaves out Azure CLI, the only source signed in \(as alice@contoso\.com\): DefaultAzureCredential finds no token/);
  assert.deepEqual(problem!.range, { startLine: 3, startColumn: 4, endLine: 3, endColumn: 31 });
  const remove = problem!.fixes[0] as Extract<ProblemFix, { kind: 'edit' }>;
  assert.equal(applyEdit(text, remove.range, ''), `${IMPORT}\ncredential = DAC(\n    process_timeout=30,\n)\n`);
  assert.deepEqual(problem!.fixes.map((f) => f.kind), ['edit', 'sign-in']);
});

test('no exclusion problem when it is not the only signed-in source, when the chain has a token, or when the value is not a literal True', async () => {
  const [call] = await findCredentialCalls(`${IMPORT}c = DAC(exclude_cli_credential=True, exclude_environment_credential=flag)\n`);
  const failing = report([source('EnvironmentCredential', 'excluded'), source('AzureCliCredential', 'excluded')]);
  // Only the literal True is rechecked.
  assert.deepEqual(keywordExclusionsToRecheck(call!, failing), ['AzureCliCredential']);
  // Two sources signed in: the keyword is not what leaves the chain without a token.
  const two = report([source('EnvironmentCredential', 'succeeded', 'sp'), source('AzureCliCredential', 'succeeded', 'alice')]);
  assert.deepEqual(exclusionProblems(call!, failing, two), []);
  // Signed in, but an earlier source fails hard: removing the keyword would not give a token either.
  const stopped = { ...report([source('EnvironmentCredential', 'failed'), source('AzureCliCredential', 'succeeded', 'alice')]), verdict: { outcome: 'failure' as const, credential: 'EnvironmentCredential' as const, message: 'x' } };
  assert.deepEqual(exclusionProblems(call!, failing, stopped), []);
  // Nobody signed in: nothing the keyword hides.
  assert.deepEqual(exclusionProblems(call!, failing, report([source('EnvironmentCredential', 'unavailable'), source('AzureCliCredential', 'unavailable')])), []);
  // The chain has a token (another source): nothing to explain.
  const fine = report([source('EnvironmentCredential', 'succeeded', 'sp'), source('AzureCliCredential', 'excluded')]);
  assert.deepEqual(keywordExclusionsToRecheck(call!, fine), []);
  const [falseKeyword] = await findCredentialCalls(`${IMPORT}c = DAC(exclude_cli_credential=False)\n`);
  assert.deepEqual(keywordExclusionsToRecheck(falseKeyword!, failing), []);
});

test('.env lines: the last assignment wins, export, quotes, comments, CRLF', () => {
  const text = 'AZURE_TOKEN_CREDENTIALS=prod\r\n# AZURE_TOKEN_CREDENTIALS=dev\r\nexport AZURE_TOKEN_CREDENTIALS = "AzureCliCredentials"  # mine\r\nOTHER=1\r\n';
  const entry = dotEnvEntry(text, 'AZURE_TOKEN_CREDENTIALS')!;
  assert.equal(entry.value, 'AzureCliCredentials');
  assert.equal(entry.line.startLine, 2);
  assert.deepEqual(entry.writtenValue, { startLine: 2, startColumn: 33, endLine: 2, endColumn: 54 });
  const plain = dotEnvEntry('A=1\nAZURE_TOKEN_CREDENTIALS=devv # typo\n', 'AZURE_TOKEN_CREDENTIALS')!;
  assert.equal(applyEdit('A=1\nAZURE_TOKEN_CREDENTIALS=devv # typo\n', plain.writtenValue!, 'dev'), 'A=1\nAZURE_TOKEN_CREDENTIALS=dev # typo\n');
  assert.equal(applyEdit('A=1\nAZURE_TOKEN_CREDENTIALS=devv # typo\n', plain.lineWithBreak, ''), 'A=1\n');
  assert.equal(dotEnvEntry('A=1\n', 'AZURE_TOKEN_CREDENTIALS'), undefined);
});

test('AZURE_TOKEN_CREDENTIALS each version does not understand, and the value it accepts', () => {
  const entry = (value: string) => dotEnvEntry(`AZURE_TOKEN_CREDENTIALS=${value}\n`, 'AZURE_TOKEN_CREDENTIALS')!;
  const editTexts = (fixes: readonly ProblemFix[]) => fixes.map((f) => (f.kind === 'edit' ? f.text : f.kind));
  // Before 1.23 the variable does not exist: the chain silently runs whole.
  const ignored = tokenCredentialsProblem(entry('dev'), '1.19.0')!;
  assert.match(ignored.message, /azure-identity 1\.19\.0 does not read AZURE_TOKEN_CREDENTIALS/);
  assert.deepEqual(editTexts(ignored.fixes), ['']);
  // 1.23 takes only dev|prod: a class name gets the group that keeps that source.
  const groups = tokenCredentialsProblem(entry('AzureCliCredential'), '1.23.1')!;
  assert.equal(groups.severity, 'error');
  assert.match(groups.message, /raises ValueError\. It accepts 'dev' or 'prod'\.$/);
  assert.deepEqual(editTexts(groups.fixes), ['dev', '']);
  assert.equal(tokenCredentialsProblem(entry('prod'), '1.23.1'), undefined);
  assert.equal(tokenCredentialsProblem(entry(' DEV '), '1.23.1'), undefined);
  // 1.24+ also takes one class name: a typo gets the closest one.
  const typo = tokenCredentialsProblem(entry('AzureCliCredentials'), '1.26.0b3')!;
  assert.deepEqual(editTexts(typo.fixes), ['AzureCliCredential', '']);
  assert.equal(tokenCredentialsProblem(entry('azureclicredential'), '1.26.0b3'), undefined);
  assert.deepEqual(editTexts(tokenCredentialsProblem(entry('something else entirely'), '1.26.0b3')!.fixes), ['']);
  // An empty value is "not set"; an unreadable version claims nothing.
  assert.equal(tokenCredentialsProblem(entry(''), '1.23.1'), undefined);
  assert.equal(tokenCredentialsProblem(entry('x'), 'not a version'), undefined);
});

test('property: any .env text and value give a bounded, single-line message and never throw', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 3000 }), fc.constantFrom('1.19.0', '1.23.1', '1.25.0', '1.26.0b3'), (before, value, version) => {
    const text = `${before}\nAZURE_TOKEN_CREDENTIALS=${value}\n`;
    const entry = dotEnvEntry(text, 'AZURE_TOKEN_CREDENTIALS');
    if (!entry) return;
    const problem = tokenCredentialsProblem(entry, version);
    if (problem) {
      assert.ok(!/[\n\r\u2028\u2029]/.test(problem.message));
      // The accepted names of 1.24+ take about 330 characters; what is written is shown in at most 60, whatever its length.
      assert.ok(problem.message.length < 600, problem.message);
      const quoted = /AZURE_TOKEN_CREDENTIALS="(.*)"/.exec(problem.message)?.[1] ?? /"(.*)" narrows nothing/.exec(problem.message)?.[1];
      assert.ok(quoted !== undefined && quoted.length <= 60, problem.message);
    }
  }), { numRuns: 300 });
});

// --- git ---------------------------------------------------------------------------------------------------------

/** Real git, inert: no system or global config, no hooks, no fsmonitor (only the test's own repositories). */
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', ...args], {
    cwd, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@example.com', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@example.com' },
  });
}

function repository(options: { objectFormat?: 'sha256'; indexVersion?: number } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'ada-git-'));
  git(root, 'init', '-q', ...(options.objectFormat ? [`--object-format=${options.objectFormat}`] : []));
  mkdirSync(join(root, 'app', 'sub dir'), { recursive: true });
  writeFileSync(join(root, 'app', 'main.py'), 'print(1)\n');
  writeFileSync(join(root, 'app', 'sub dir', '.env'), 'AZURE_CLIENT_SECRET=s3cr3t-value\n');
  writeFileSync(join(root, '.env'), 'AZURE_CLIENT_ID=1\n');
  for (let i = 0; i < 40; i++) writeFileSync(join(root, 'app', `m${String(i).padStart(3, '0')}.py`), '');
  git(root, 'add', 'app');
  if (options.indexVersion) git(root, 'update-index', `--index-version=${options.indexVersion}`);
  return root;
}

test("git's index read directly: versions 2, 3 (intent-to-add) and 4, SHA-1 and SHA-256, the same answers as git ls-files", async () => {
  const roots = [repository(), repository({ indexVersion: 4 }), repository({ objectFormat: 'sha256' }), repository({ indexVersion: 3 })];
  try {
    // An intent-to-add entry makes the index version 3 with extended flags.
    git(roots[3]!, 'add', '-N', '.env');
    for (const root of roots) {
      const listed = git(root, 'ls-files', '-z').split('\0').filter(Boolean).sort();
      const read: string[] = [];
      walkIndexPaths(readFileSync(join(root, '.git', 'index')), (path) => { read.push(Buffer.from(path).toString('utf8')); return false; });
      assert.deepEqual(read.sort(), listed, root);
      assert.deepEqual(await isTrackedByGit(join(root, 'app', 'sub dir', '.env')), { kind: 'tracked', repositoryRoot: root, relativePath: 'app/sub dir/.env' });
    }
    assert.equal((await isTrackedByGit(join(roots[0]!, '.env'))).kind, 'untracked');
    assert.equal((await isTrackedByGit(join(roots[3]!, '.env'))).kind, 'tracked');
  } finally {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  }
});

test('a repository whose config names programs (core.fsmonitor): git would run it, reading the index runs nothing', async () => {
  const root = repository();
  const marker = join(root, 'fsmonitor-ran');
  const program = join(root, 'monitor.sh');
  try {
    writeFileSync(program, `#!/bin/sh\ntouch '${marker}'\n`);
    chmodSync(program, 0o755);
    git(root, 'config', 'core.fsmonitor', program);
    // The trap is real: plain git in this repository runs the program.
    execFileSync('git', ['status', '--porcelain'], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: root, GIT_CONFIG_NOSYSTEM: '1' }, stdio: 'ignore' });
    assert.ok(existsSync(marker), 'git status runs core.fsmonitor');
    rmSync(marker);
    const answer = await isTrackedByGit(join(root, 'app', 'sub dir', '.env'));
    assert.equal(answer.kind, 'tracked');
    assert.ok(!existsSync(marker), 'reading the index ran the configured program');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a worktree (.git is a file naming the git directory), no repository, and an index that is not one', async () => {
  const root = repository();
  const other = mkdtempSync(join(tmpdir(), 'ada-wt-'));
  const worktree = join(other, 'wt');
  try {
    git(root, 'commit', '-q', '-m', 'x');
    git(root, 'worktree', 'add', '-q', worktree);
    assert.equal((await isTrackedByGit(join(worktree, 'app', 'sub dir', '.env'))).kind, 'tracked');
    assert.equal((await isTrackedByGit(join(other, 'loose.env'))).kind, 'no-repository');
    writeFileSync(join(root, '.git', 'index'), 'DIRC\0\0\0\x02\xff\xff\xff\xff');
    assert.equal((await isTrackedByGit(join(root, '.env'))).kind, 'unknown');
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  }
});

test('property: any bytes, and any corruption of a real index, give paths or a GitIndexError, never another failure', () => {
  const root = repository({ indexVersion: 4 });
  const real = readFileSync(join(root, '.git', 'index'));
  const real2 = (() => { git(root, 'update-index', '--index-version=2'); return readFileSync(join(root, '.git', 'index')); })();
  rmSync(root, { recursive: true, force: true });
  const check = (bytes: Uint8Array) => {
    try {
      let n = 0;
      walkIndexPaths(bytes, () => ++n > 1_000_000);
    } catch (error) {
      assert.ok(error instanceof GitIndexError, String(error));
    }
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => check(Buffer.concat([Buffer.from('DIRC'), bytes]))), { numRuns: 300 });
  fc.assert(fc.property(fc.constantFrom(real, real2), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(), (index, flips, cut) => {
    const bytes = Buffer.from(index);
    for (const [at, value] of flips) bytes[at % bytes.length] = value;
    check(bytes.subarray(0, bytes.length - (cut % 64)));
  }), { numRuns: 500 });
});

test('the tracked secret: a warning on the line, the bash command that untracks it (run by real bash), the .gitignore line that ignores it', async () => {
  const base = mkdtempSync(join(tmpdir(), "ada it's $(touch pwned) `x` "));
  const root = join(base, 'repo');
  mkdirSync(root);
  try {
    git(root, 'init', '-q');
    const folder = join(root, "we'ird $HOME [a]*");
    mkdirSync(folder);
    const envFile = join(folder, '#.env ');
    writeFileSync(envFile, 'AZURE_CLIENT_ID=1\nAZURE_CLIENT_SECRET=abc\n');
    git(root, 'add', '.');
    const tracked = await isTrackedByGit(envFile);
    assert.equal(tracked.kind, 'tracked');
    const entry = dotEnvEntry(readFileSync(envFile, 'utf8'), 'AZURE_CLIENT_SECRET')!;
    const problem = trackedSecretProblem(entry, tracked, (a, b) => join(a, b))!;
    assert.equal(problem.range.startLine, 1);
    assert.match(problem.message, /^git tracks we'ird \$HOME \[a\]\*\/#\.env , which holds AZURE_CLIENT_SECRET/);
    const bash = problem.fixes.find((f) => f.kind === 'copy')!;
    assert.equal(bash.kind, 'copy');
    execFileSync('bash', ['-c', `${bash.text}`], { cwd: base, env: { PATH: process.env.PATH ?? '', HOME: base, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' }, stdio: 'ignore' });
    assert.equal((await isTrackedByGit(envFile)).kind, 'untracked');
    assert.ok(existsSync(envFile), 'the file itself stays');
    assert.ok(!existsSync(join(base, 'pwned')) && !existsSync(join(root, 'pwned')));
    const ignore = problem.fixes.find((f) => f.kind === 'append-line')!;
    assert.equal(ignore.kind === 'append-line' && ignore.file, join(root, '.gitignore'));
    writeFileSync(join(root, '.gitignore'), `${ignore.kind === 'append-line' ? ignore.line : ''}\n`);
    // git agrees the line ignores exactly that file.
    assert.equal(git(root, 'check-ignore', '--no-index', '-v', envFile).includes('.gitignore:1:'), true);
    assert.equal(git(root, 'status', '--porcelain', '--untracked-files=all').includes('#.env'), false);
    // Not tracked, or no secret: no problem.
    assert.equal(trackedSecretProblem(entry, await isTrackedByGit(envFile), join), undefined);
    assert.equal(trackedSecretProblem(dotEnvEntry('AZURE_CLIENT_SECRET=\n', 'AZURE_CLIENT_SECRET')!, tracked, join), undefined);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('gitignore lines: pattern characters escaped, a name with a line break has none', () => {
  assert.equal(gitignoreLine('.env'), '/.env');
  assert.equal(gitignoreLine('a/!b#[x]*?.env'), '/a/\\!b\\#\\[x\\]\\*\\?.env');
  assert.equal(gitignoreLine('a\nb'), undefined);
});

// Keep the helper types honest: a CredentialCall carries keyword ranges for every literal keyword.
test('every keyword of a call has its ranges', async () => {
  const calls: CredentialCall[] = await findCredentialCalls(`${IMPORT}c = DAC(a=1, b=x, c="s")\n`);
  assert.deepEqual([...calls[0]!.keywordRanges.keys()], ['a', 'b', 'c']);
});

test('property: the .env value is an error exactly when the chain engine says DefaultAzureCredential() raises for it', () => {
  const values = fc.oneof(
    fc.constantFrom('dev', 'prod', 'DEV', ' prod ', 'AzureCliCredential', 'azureclicredential', 'ManagedIdentityCredential', 'BrokerCredential',
      'EnvironmentCredential', 'AzureCliCredentials', 'development', 'none', 'SharedTokenCacheCredential', 'VisualStudioCodeCredential'),
    fc.string({ maxLength: 30 }).filter((s) => !/[\r\n#'"`\\]/.test(s) && s.trim() === s),
  );
  fc.assert(fc.property(values, fc.constantFrom('1.19.0', '1.23.1', '1.24.0', '1.25.0', '1.25.1', '1.26.0b3', '1.27.0'), (value, version) => {
    const entry = dotEnvEntry(`AZURE_TOKEN_CREDENTIALS=${value}\n`, 'AZURE_TOKEN_CREDENTIALS');
    if (!entry) return;
    const plan = planExclusions(familyFor(version), {}, { AZURE_TOKEN_CREDENTIALS: entry.value });
    const problem = tokenCredentialsProblem(entry, version);
    assert.equal(problem?.severity === 'error', plan.error !== undefined, `${version} ${JSON.stringify(value)}`);
    // Every value a fix writes is one the engine accepts.
    for (const fix of problem?.fixes ?? []) {
      if (fix.kind === 'edit' && fix.text) assert.equal(planExclusions(familyFor(version), {}, { AZURE_TOKEN_CREDENTIALS: fix.text }).error, undefined, fix.text);
    }
  }), { numRuns: 400 });
});
