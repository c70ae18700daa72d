// The CLI in the user's language: dist/cli.js and dist/engine.js as the product ships them, beside an l10n/ folder
// with a pseudo-translation of l10n/bundle.l10n.json (every message wrapped in ⟦ ⟧) as bundle.l10n.qps-ploc.json.
// With LANG=qps_ploc.UTF-8 the chain's rows and headline are the translation; with a locale the product does not ship
// (or none) they are English; --json keeps its keys whatever the language.
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
