// The CLI in the user's language: dist/cli.js and dist/engine.js as the product ships them, beside an l10n/ folder
// with a pseudo-translation of l10n/bundle.l10n.json (every message wrapped in ⟦ ⟧) as bundle.l10n.qps-ploc.json.
// With LANG=qps_ploc.UTF-8 the chain's rows and headline are the translation; with a locale the product does not ship
// (or none) they are English; --json keeps its keys whatever the language. And the catalog the extension host sets is
// the one dist/engine.js (a bundle of its own, loaded later) makes the Access view's rows with. The CLI's own words
// (each command's --help, the table headers, whoami's labels, usage errors) are the translation too, while options,
// commands, credential names and --json keys stay exactly as typed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ALL_CREDENTIALS } from '../../src/core/chain/types';
import { signInDemoDeveloper } from '../../src/sandbox/demo';
import { demoSeed, startSandbox, type Sandbox } from '../../src/sandbox/server';
import { ensureToolsBuilt, run } from './helpers/sandbox';

const repo = join(__dirname, '..', '..');
const product = mkdtempSync(join(tmpdir(), 'cli-l10n-'));
const home = mkdtempSync(join(tmpdir(), 'cli-l10n-home-'));
/** alice signed in to az, azd and Azure PowerShell against the sandbox's demo tenant (for whoami). */
const sandboxHome = mkdtempSync(join(tmpdir(), 'cli-l10n-sandbox-'));
let sb: Sandbox | undefined;
const PSEUDO = { LANG: 'qps_ploc.UTF-8' };
const ENGLISH = { LANG: 'C.UTF-8' };

before(() => {
  for (const file of ['cli.js', 'engine.js']) assert.ok(existsSync(join(repo, 'dist', file)), `dist/${file} is built (node build.mjs)`);
  mkdirSync(join(product, 'dist'));
  mkdirSync(join(product, 'l10n'));
  for (const file of ['cli.js', 'engine.js']) copyFileSync(join(repo, 'dist', file), join(product, 'dist', file));
  const english = JSON.parse(readFileSync(join(repo, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
  writeFileSync(join(product, 'l10n', 'bundle.l10n.json'), JSON.stringify(english));
  writeFileSync(join(product, 'l10n', 'bundle.l10n.qps-ploc.json'), JSON.stringify(Object.fromEntries(Object.keys(english).map((m) => [m, `⟦${m}⟧`]))));
});
after(async () => {
  await sb?.stop();
  rmSync(product, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
  rmSync(sandboxHome, { recursive: true, force: true });
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

/** `azure-dev-auth ARGS` as the product ships it, with only `env` (and no tool on PATH unless `env` puts one there). */
function cli(locale: Record<string, string>, args: string[], env: Record<string, string> = { PATH: '/nonexistent', HOME: home }): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(product, 'dist', 'cli.js'), ...args], { env: { TZ: 'UTC', ...env, ...locale }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The words of `text` outside the translation (every message is ⟦…⟧, messages filled into messages included) that
 * are not what a user types: options, metavariables, the program and its commands, credential class names. Under the
 * pseudo-translation this is English the product printed without the catalog.
 */
function englishOutsideTranslation(text: string): string[] {
  let outside = text;
  for (let before = ''; before !== outside;) { before = outside; outside = outside.replace(/⟦[^⟦⟧]*⟧/g, ' '); }
  const typed = new Set<string>([...ALL_CREDENTIALS, 'azure-dev-auth', 'chain', 'whoami', 'roles', '[options]']);
  return outside.split(/[\s,.:;()]+/).filter((token) => /\p{L}{2}/u.test(token) && !typed.has(token)
    && !/^-{1,2}[a-z][a-z0-9-]*$/.test(token) && !/^[A-Z][A-Z|]*[[\]]?$/.test(token)); // FILE[:LINE] splits into FILE[ and LINE]
}

/** The options a help lists at the start of its lines, in order. */
function optionsOf(help: string): string[] {
  return [...help.matchAll(/^ {2}(--[a-z-]+(?: [A-Z|]+)?)/gm)].map((m) => m[1]!);
}

for (const command of ['chain', 'roles', 'whoami']) {
  test(`${command} --help in the translation: no English of the product's own, the same options, within 100 columns`, () => {
    const translated = cli(PSEUDO, [command, '--help']);
    const english = cli(ENGLISH, [command, '--help']);
    assert.equal(translated.code, 0, translated.stderr);
    assert.equal(english.code, 0, english.stderr);
    assert.doesNotMatch(english.stdout, /⟦/);
    assert.match(translated.stdout, new RegExp(`^azure-dev-auth ${command}: ⟦`));
    assert.deepEqual(englishOutsideTranslation(translated.stdout), [], translated.stdout);
    // The check above must have something to find: the English help is full of the product's words.
    assert.ok(englishOutsideTranslation(english.stdout).length > 20);
    const options = optionsOf(english.stdout);
    assert.ok(options.includes('--json') && options.includes('--utc') && options.length >= 5, english.stdout);
    assert.deepEqual(optionsOf(translated.stdout), options, 'every option, its metavariable and their order as in English');
    const wide = translated.stdout.split('\n').filter((line) => [...line].length > 100);
    assert.deepEqual(wide, [], 'a longer translation still fits 100 columns');
  });
}

test('the chain table: its headers, times, rules and exclusions are the translation, the credential names stay', () => {
  const { stdout } = chain(PSEUDO);
  const header = stdout.split('\n').find((line) => line.trimStart().startsWith('#'));
  assert.match(header ?? '', /^ {2}# +⟦Source⟧ +⟦Result⟧ +⟦Time⟧ +⟦Details⟧$/, stdout);
  assert.match(stdout, /^ {2}1 +Environment +.* ⟦\d+ ms⟧ /m);
  // The chain's own sentences about its rules: where they come from, why a source is excluded.
  assert.match(stdout, /^⟦⟦azure-identity 1\.25\.0: rules read from its release, not yet checked against it here⟧ — run again with --verify /m);
  assert.match(stdout, / +⟦excluded⟧ +— +⟦Excluded by default in azure-identity 1\.25\.0 \(exclude_/m);
});

test('a usage error in the translation: the option as typed, the exit code unchanged', () => {
  const translated = cli(PSEUDO, ['chain', '--exclude', 'NotACredential']);
  const english = cli(ENGLISH, ['chain', '--exclude', 'NotACredential']);
  assert.equal(english.code, 2);
  assert.equal(english.stderr, `azure-dev-auth: --exclude NotACredential: not a credential class name. Use one of: ${ALL_CREDENTIALS.join(', ')}.\n`);
  assert.equal(translated.code, 2);
  assert.match(translated.stderr, /^azure-dev-auth: ⟦--exclude NotACredential: /);
  assert.deepEqual(englishOutsideTranslation(translated.stderr), [], translated.stderr);
  const unknown = cli(PSEUDO, ['nonsense']);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr, 'azure-dev-auth: ⟦Unknown command nonsense. Run azure-dev-auth --help.⟧\n');
});

/** The paths of every key of a JSON value (arrays by their first item), sorted. */
function keyPaths(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return value.length ? keyPaths(value[0], `${at}[]`) : [];
  if (value && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [`${at}.${k}`, ...keyPaths(v, `${at}.${k}`)]).sort();
  }
  return [];
}

test("whoami against the demo tenant: the labels are the translation, the identity is the tenant's, --json keeps its keys", async () => {
  await ensureToolsBuilt();
  sb = await startSandbox({ seed: demoSeed() });
  await signInDemoDeveloper(sb, sandboxHome, 'alice');
  const env = { ...sb.toolEnv(sandboxHome), ...sb.managedIdentityEnv('none'), NODE_EXTRA_CA_CERTS: sb.caFile };
  const cloud = JSON.stringify({
    name: 'Sandbox', authorityHost: sb.authorityHost.replace(/\/+$/, ''), resourceManager: sb.resourceManager, resourceManagerAudience: 'https://management.azure.com',
    graph: sb.graph, graphAudience: 'https://graph.microsoft.com',
  });
  const whoami = async (locale: Record<string, string>, ...extra: string[]) => {
    const r = await run(process.execPath, [join(product, 'dist', 'cli.js'), 'whoami', '--azure-identity-version', '1.23.1', '--cloud', cloud, ...extra], {
      env: { ...env, TZ: 'UTC', ...locale }, cwd: sandboxHome, timeoutMs: 120_000,
    });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    return r.stdout;
  };
  const english = (await whoami(ENGLISH)).trimEnd().split('\n');
  const translated = (await whoami(PSEUDO)).trimEnd().split('\n');
  assert.match(english[0]!, /alice@contososandbox\.onmicrosoft\.com/);
  assert.equal(translated[0], english[0], "the first line is the tenant's name for alice, not a text of the product");
  assert.deepEqual(english.slice(1).map((line) => /^ {2}([a-z ]+:|token until)/.exec(line)?.[1]), ['kind:', 'object id:', 'tenant:', 'source:', 'cloud:', 'token until']);
  assert.equal(translated.length, english.length, translated.join('\n'));
  for (const line of translated.slice(1)) assert.match(line, /^ {2}⟦/, `a label of the product's own, translated: ${line}`);
  assert.match(translated[1]!, /^ {2}⟦kind:⟧ +⟦user⟧$/);
  const objectId = /object id: +(\S+)/.exec(english.join('\n'))?.[1];
  assert.ok(objectId && translated[2]!.endsWith(` ${objectId}`), 'the object id is printed as it is');
  const jsonEnglish = JSON.parse(await whoami(ENGLISH, '--json')) as unknown;
  const jsonTranslated = JSON.parse(await whoami(PSEUDO, '--json')) as unknown;
  assert.deepEqual(keyPaths(jsonTranslated), keyPaths(jsonEnglish));
  assert.ok(keyPaths(jsonEnglish).includes('.identity.objectId'));

  // roles: its section titles are the translation; the command to paste is the same in every language.
  const roles = async (locale: Record<string, string>): Promise<string[]> => {
    const r = await run(process.execPath, [join(product, 'dist', 'cli.js'), 'roles', '--azure-identity-version', '1.23.1', '--cloud', cloud], {
      env: { ...env, TZ: 'UTC', ...locale }, cwd: sandboxHome, timeoutMs: 120_000,
    });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    return r.stdout.split('\n');
  };
  const rolesEnglish = await roles(ENGLISH);
  const rolesTranslated = await roles(PSEUDO);
  const titles = (lines: string[]) => lines.filter((line) => /^(\S| {2}(Eligible|Deny|resource group|management group) )/.test(line) && line !== lines[0]);
  const englishTitles = titles(rolesEnglish);
  assert.ok(englishTitles.some((line) => line.startsWith('Groups (')) && englishTitles.some((line) => line.startsWith('Subscription '))
    && englishTitles.includes('Equivalent:'), rolesEnglish.join('\n'));
  const translatedTitles = rolesTranslated.filter((line) => /^(⟦| {2}⟦(Eligible|Deny|resource group|management group))/.test(line));
  assert.equal(translatedTitles.length, englishTitles.length, rolesTranslated.join('\n'));
  assert.deepEqual(titles(rolesTranslated).filter((line) => !line.startsWith('⟦')), [], 'every title of the product is the translation');
  const paste = rolesEnglish.find((line) => line.startsWith('  az role assignment list '));
  assert.ok(paste && rolesTranslated.includes(paste), 'the az command is the same');
});
