// The CLI in the user's language: dist/cli.js and dist/engine.js as the product ships them, beside an l10n/ folder
// with a pseudo-translation of l10n/bundle.l10n.json (every message wrapped in ⟦ ⟧) as bundle.l10n.qps-ploc.json.
// With LANG=qps_ploc.UTF-8 the chain's rows and headline are the translation; with a locale the product does not ship
// (or none) they are English; --json keeps its keys whatever the language. And the catalog the extension host sets is
// the one dist/engine.js (a bundle of its own, loaded later) makes the Access view's rows with.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const repo = join(__dirname, '..', '..');
const product = mkdtempSync(join(tmpdir(), 'cli-l10n-'));
const home = mkdtempSync(join(tmpdir(), 'cli-l10n-home-'));

before(() => {
  for (const file of ['cli.js', 'engine.js']) assert.ok(existsSync(join(repo, 'dist', file)), `dist/${file} is built (node build.mjs)`);
  mkdirSync(join(product, 'dist'));
  mkdirSync(join(product, 'l10n'));
  for (const file of ['cli.js', 'engine.js']) copyFileSync(join(repo, 'dist', file), join(product, 'dist', file));
  const english = JSON.parse(readFileSync(join(repo, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
  writeFileSync(join(product, 'l10n', 'bundle.l10n.json'), JSON.stringify(english));
  writeFileSync(join(product, 'l10n', 'bundle.l10n.qps-ploc.json'), JSON.stringify(Object.fromEntries(Object.keys(english).map((m) => [m, `⟦${m}⟧`]))));
});
after(() => {
  rmSync(product, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

/** `azure-dev-auth chain` modelling azure-identity 1.25.0 with nothing signed in (no tool on PATH, an empty HOME). */
function chain(locale: Record<string, string>, ...extra: string[]): { code: number | null; stdout: string } {
  const r = spawnSync(process.execPath, [join(product, 'dist', 'cli.js'), 'chain', '--azure-identity-version', '1.25.0', ...extra], {
    env: { PATH: '/nonexistent', HOME: home, TZ: 'UTC', ...locale }, encoding: 'utf8', timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout };
}

test('LANG names a shipped translation: the rows and the headline are the translation', () => {
  const { code, stdout } = chain({ LANG: 'qps_ploc.UTF-8' });
  assert.equal(code, 1, stdout);
  assert.match(stdout, /⟦The chain fails at \{0\}: \{1\}⟧|⟦The chain fails/);
  assert.match(stdout, /⟦unavailable⟧|⟦excluded⟧|⟦stops the chain⟧/);
  const english = chain({ LANG: 'C.UTF-8' });
  assert.doesNotMatch(english.stdout, /⟦/);
  assert.match(english.stdout, /The chain fails/);
  // LC_ALL wins over LANG, as in every POSIX program.
  assert.doesNotMatch(chain({ LC_ALL: 'de_DE.UTF-8', LANG: 'qps_ploc.UTF-8' }).stdout, /⟦/);
});

test('--json keeps its keys in every language; only texts change', () => {
  const translated = JSON.parse(chain({ LANG: 'qps_ploc.UTF-8' }, '--json').stdout) as Record<string, unknown>;
  const english = JSON.parse(chain({ LANG: 'C' }, '--json').stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(translated).sort(), Object.keys(english).sort());
  assert.ok(Object.keys(translated).includes('sources'));
});

test("the extension host's catalog reaches the engine's bundle: the Access view's rows, made in dist/engine.js, are the translation", () => {
  // As in the extension host: host.js loads first and sets VS Code's bundle on its (the process's one) @vscode/l10n;
  // dist/engine.js, loaded later, must use that copy, not a fresh English one of its own.
  const script = `
    const shared = require(${JSON.stringify(require.resolve('@vscode/l10n'))});
    globalThis[Symbol.for('azure-dev-auth.l10n')] = shared;
    shared.config({ contents: require(${JSON.stringify(join(product, 'l10n', 'bundle.l10n.qps-ploc.json'))}) });
    const engine = require(${JSON.stringify(join(product, 'dist', 'engine.js'))});
    const model = engine.createEngineFacade().accessView({ phase: 'no-source', scope: { trusted: true, folder: undefined, multiRoot: false },
      why: { kind: 'checkFailed', reason: 'x' } });
    process.stdout.write(JSON.stringify(model.rows.map((r) => [r.label, r.description])));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { PATH: '/nonexistent', HOME: home }, timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as [string, string][];
  assert.deepEqual(rows, [['⟦The credential chain could not be checked: x⟧', ''], ['⟦Sign In…⟧', '⟦az login, azd auth login or Connect-AzAccount⟧']]);
});
