// `npm test`: lints, then prepares what the suites need (Debian packages, Node 24 and code-server, the Python
// libraries, the type check, the bundles and the .vsix) while the network is still there, then runs every suite
// (unit, integration, e2e) with Node's test runner inside a loopback-only network namespace.
//
//   npm test                 all suites
//   npm test -- unit e2e     only those suites
//   npm test -- integration chain-agreement   only the files of those suites whose path contains a filter
//
// Under CI=true a suite that cannot run (no Chromium, no namespace) fails the run instead of being skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CHROMIUM_PATH, ensureCodeServer, ensureDebianPackages, ensureNode22, ensureNode24 } from './harness/toolchain.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(repo, '.test-output');
const ALL_SUITES = ['unit', 'integration', 'e2e'];
const inCI = process.env.CI === 'true' || process.env.CI === '1';
const inNetns = process.env.AZURE_DEV_AUTH_NETNS === '1';
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
// Suite names choose suites; any other word keeps only the test files whose path contains it.
const named = args.filter((a) => ALL_SUITES.includes(a));
const fileFilters = args.filter((a) => !ALL_SUITES.includes(a));
const suites = named.length ? named : ALL_SUITES;

function step(message) {
  console.log(`\n[test] ${message}`);
}

function runOrDie(cmd, cmdArgs, options = {}) {
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', cwd: repo, ...options });
  if (r.status !== 0) {
    console.error(`[test] ${cmd} ${cmdArgs.join(' ')} failed (${r.status ?? r.signal})`);
    process.exit(1);
  }
}

/** Everything that needs the network or is slow happens once, here, before the namespace is entered. */
async function prepare() {
  step('lint (npm run lint)');
  runOrDie('npm', ['run', '--silent', 'lint']);
  step('preparing: Debian packages, Node 24 and code-server, Python libraries, bundles and .vsix');
  const missing = ensureDebianPackages();
  if (missing.length && inCI) {
    console.error(`[test] CI cannot run without the Debian packages ${missing.join(', ')}`);
    process.exit(1);
  }
  if (suites.includes('e2e')) ensureCodeServer();
  // The CLI's documented invocations run on Node 20 (this one), 22 and 24 in the integration suite.
  if (suites.includes('integration')) { ensureNode22(); ensureNode24(); }
  const pythonEnvs = join(repo, 'test', 'harness', 'python-envs.mjs');
  if ((suites.includes('integration') || suites.includes('e2e')) && existsSync(pythonEnvs)) {
    const { ensurePythonAzureIdentityEnvs } = await import(pathToFileURL(pythonEnvs).href);
    await ensurePythonAzureIdentityEnvs();
  }
  // Every TypeScript project: the Node side, the webview and the tests (see package.json's typecheck).
  runOrDie('npm', ['run', '--silent', 'typecheck']);
  runOrDie(process.execPath, ['build.mjs']);
  if (suites.includes('e2e')) runOrDie('npm', ['run', '--silent', 'package']);
}

/** Re-runs this script inside a new network namespace in which only loopback exists. */
function reexecInNetns() {
  const isRoot = process.getuid?.() === 0;
  const unshareArgs = isRoot ? ['--net'] : ['--net', '--map-root-user'];
  const probe = spawnSync('unshare', [...unshareArgs, 'true'], { stdio: 'ignore' });
  if (process.platform !== 'linux' || probe.status !== 0) {
    const why = 'cannot create a loopback-only network namespace (unshare --net)';
    if (inCI) {
      console.error(`[test] ${why}: CI refuses to run the suites with the network reachable`);
      process.exit(1);
    }
    console.warn(`[test] WARNING: ${why}; running with the machine's network`);
    return undefined;
  }
  step(`running the suites inside a loopback-only network namespace (unshare ${unshareArgs.join(' ')}, lo up)`);
  const r = spawnSync('unshare', [...unshareArgs, '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh',
    process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, AZURE_DEV_AUTH_NETNS: '1', AZURE_DEV_AUTH_VSIX: join(repo, 'dist-vsix', 'azure-dev-auth.vsix') },
  });
  return r.status ?? 1;
}

function listTests(suite) {
  const dir = join(repo, 'test', suite);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.ts'))
    .filter((f) => fileFilters.length === 0 || fileFilters.some((filter) => f.includes(filter)))
    .sort()
    .map((f) => join(dir, f));
}

function countsFromTap(file) {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const read = (key) => Number((text.match(new RegExp(`^# ${key} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  return { pass: read('pass'), fail: read('fail') + read('cancelled'), skipped: read('skipped') + read('todo') };
}

function runSuite(suite) {
  const files = listTests(suite);
  if (files.length === 0) {
    step(`${suite}: no test files`);
    return { pass: 0, fail: 0, skipped: 0 };
  }
  if (suite === 'e2e' && !existsSync(CHROMIUM_PATH)) {
    const why = `${CHROMIUM_PATH} is missing, so the e2e suite cannot run`;
    if (inCI) {
      console.error(`[test] ${why}`);
      return { pass: 0, fail: 1, skipped: 0 };
    }
    console.warn(`[test] SKIPPED e2e: ${why}`);
    return { pass: 0, fail: 0, skipped: files.length };
  }
  step(`${suite}: ${files.map((f) => relative(repo, f)).join(' ')}`);
  const tap = join(outDir, `${suite}.tap`);
  rmSync(tap, { force: true });
  const concurrency = suite === 'unit' ? '4' : '1';
  const r = spawnSync(process.execPath, [
    '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...files,
  ], { stdio: 'inherit', cwd: repo, env: { ...process.env, AZURE_DEV_AUTH_TEST_SUITE: suite } });
  const counts = countsFromTap(tap);
  if (r.status !== 0 && counts.fail === 0) counts.fail = 1; // the runner itself failed (e.g. a file did not load)
  return counts;
}

if (!inNetns) {
  await prepare();
  const status = reexecInNetns();
  if (status !== undefined) process.exit(status);
}

mkdirSync(outDir, { recursive: true });
const hostileTally = join(outDir, 'hostile-inputs.jsonl');
rmSync(hostileTally, { force: true });
if (inNetns) {
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout.trim().split('\n');
  console.log(`[test] network namespace interfaces: ${links.map((l) => l.split(':')[1]?.trim()).join(', ')}`);
}
const totals = { pass: 0, fail: 0, skipped: 0 };
const lines = [];
for (const suite of suites) {
  const c = runSuite(suite);
  totals.pass += c.pass; totals.fail += c.fail; totals.skipped += c.skipped;
  lines.push(`  ${suite.padEnd(12)} ${c.pass} passed, ${c.fail} failed, ${c.skipped} skipped`);
}
console.log(`\n[test] summary\n${lines.join('\n')}`);
// Written by test/harness/hostileTally.ts: every hostile input a test fed the product, and how many were handled.
if (existsSync(hostileTally)) {
  const hostile = { tried: 0, handled: 0 };
  for (const line of readFileSync(hostileTally, 'utf8').split('\n').filter(Boolean)) {
    const entry = JSON.parse(line);
    hostile.tried += entry.tried; hostile.handled += entry.handled;
  }
  console.log(`hostile inputs: ${hostile.tried} tried, ${hostile.handled} handled`);
}
console.log(`${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(totals.fail > 0 || totals.pass === 0 ? 1 : 0);
