// Commands an administrator or developer pastes must mean what they show. Group names, descriptions, role names,
// scopes and search prefixes come from users and tenants; generated hostile strings (shell syntax, quotes of every
// kind, option-like names, newlines) go into every builder. The bash text is run by real bash with a recording
// fake `az`, which must receive exactly the intended argument vector; the PowerShell text is read back by a
// tokenizer written from PowerShell's documented quoting rules and must give the same vector.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { signInCommands, usernameProblem, tenantProblem } from '../../src/core/signin/signInPageCommands';
import {
  addMemberCommand, administratorRequest, assignRoleCommand, bashLine, cosmosRoleAssignmentCommand, createAppCommand, createGroupCommand, findUsersCommand, keyVaultSetPolicyCommand,
  pastedArgv, renderCommand, showServicePrincipalCommand, type CommandArgs,
} from '../../src/core/team/commands';
import { hostileSync } from '../harness/hostileTally';

const scratch = mkdtempSync(join(tmpdir(), 'hostile-commands-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
// The fake az records its argument vector, NUL-separated, and does nothing else.
writeFileSync(join(scratch, 'az'), '#!/bin/sh\nprintf \'%s\\0\' "$@" > "$AZ_RECORD"\n', { mode: 0o755 });
const canary = join(scratch, 'pwned');

/** Hostile pieces: shell syntax, quotes bash and PowerShell know, option look-alikes, line breaks. */
const PIECES = [
  `--x; touch ${canary}`, `$(touch ${canary})`, `\`touch ${canary}\``, "'", '’', '‘', '‚', '‛', '"', '“', '\\', '\n', '\r\n', ' ', '\t',
  '--', '-', '–', '—', '--role', '--%', '$HOME', '${PATH}', '*', '?', '~', '!', '#', '&', '|', ';', '<', '>', '(', ')', '{', '}', '@', ',', '=', '`',
  '\u202e', '\u001b[2J', 'é', '漢', '😀',
];
const hostileValue = fc.array(fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }).map((s) => s.replace(/\0/g, '')) },
), { minLength: 0, maxLength: 6 }).map((parts) => parts.join(''));

const builders: Array<[string, fc.Arbitrary<CommandArgs>]> = [
  ['az ad group create', fc.tuple(hostileValue, hostileValue, hostileValue).map(([n, m, d]) => createGroupCommand(n, m, d))],
  ['az ad group member add', fc.tuple(hostileValue, hostileValue).map(([g, m]) => addMemberCommand(g, m))],
  ['az role assignment create', fc.tuple(hostileValue, hostileValue, hostileValue).map(([o, s, r]) => assignRoleCommand(o, 'User', s, r))],
  ['az ad app create', hostileValue.map(createAppCommand)],
  ['az ad user list', hostileValue.map(findUsersCommand)],
  ['az ad sp show', hostileValue.map(showServicePrincipalCommand)],
];

/** What bash passes to az for a pasted text. */
function bashArgv(text: string): string[] {
  const record = join(scratch, 'record');
  rmSync(record, { force: true });
  const r = spawnSync('bash', ['--noprofile', '--norc', '-c', text], { encoding: 'utf8', env: { PATH: `${scratch}:/usr/bin:/bin`, AZ_RECORD: record, HOME: scratch } });
  assert.equal(r.status, 0, `bash ran the text: ${r.stderr}`);
  const raw = readFileSync(record, 'utf8');
  return raw === '' ? [] : raw.slice(0, -1).split('\0');
}

/** How az's argument parser reads an argument vector: option → value (`--opt=value` or `--opt value`). */
function optionValues(argv: readonly string[]): Array<[string, string | null]> {
  const out: Array<[string, string | null]> = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    if (eq > 0) { out.push([arg.slice(0, eq), arg.slice(eq + 1)]); continue; }
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith('-')) { out.push([arg, next]); i++; } else out.push([arg, null]);
  }
  return out;
}

/** The builder's intent: its options and their values, as pairs. */
function intended(args: CommandArgs): Array<[string, string | null]> {
  const noValue = new Set(['--append', '--use-device-code', '--upgrade']);
  const out: Array<[string, string | null]> = [];
  let i = args.findIndex((a) => a.startsWith('--'));
  if (i < 0) return out;
  while (i < args.length) {
    const option = args[i]!;
    if (noValue.has(option)) { out.push([option, null]); i++; } else { out.push([option, args[i + 1] ?? null]); i += 2; }
  }
  return out;
}

test('bash: every generated hostile value reaches az as exactly the intended argument, and nothing else runs', () => {
  for (const [name, builder] of builders) {
    fc.assert(fc.property(builder, (args) => hostileSync('commands', () => {
      const text = renderCommand(args, 'bash');
      const argv = bashArgv(text);
      assert.deepEqual(argv, pastedArgv(args).slice(1), `${name}: ${text}`);
      assert.deepEqual(optionValues(argv), intended(args), `${name}: az reads each value as its option's value`);
      assert.equal(spawnSync('test', ['-e', canary]).status, 1, 'nothing in a value ran');
    })), { numRuns: 60 });
  }
});

test('bash and PowerShell: the access-policy command for a vault, as the role wizard shows it and as one line (the insight), gives az exactly its vector', () => {
  fc.assert(fc.property(hostileValue, hostileValue, fc.option(hostileValue, { nil: undefined }), (vault, objectId, group) => hostileSync('commands', () => {
    const args = keyVaultSetPolicyCommand(vault, objectId, group);
    for (const text of [renderCommand(args, 'bash'), bashLine(args)]) {
      const argv = bashArgv(text);
      assert.deepEqual(argv, pastedArgv(args).slice(1), text);
      // az reads --name, --resource-group and --object-id as one value each, then get and list as the permissions.
      const values = new Map(optionValues(argv));
      assert.equal(values.get('--name'), vault);
      assert.equal(values.get('--object-id'), objectId);
      if (group) assert.equal(values.get('--resource-group'), group);
      assert.deepEqual(argv.slice(-3), ['--secret-permissions', 'get', 'list']);
      assert.equal(spawnSync('test', ['-e', canary]).status, 1, 'nothing in a value ran');
    }
    const pwsh = renderCommand(args, 'powershell');
    assert.deepEqual(powerShellArgv(pwsh), pastedArgv(args), pwsh);
  })), { numRuns: 60 });
});

test('bash: the Cosmos DB role command (an insight\'s fix and the client hover\'s), with an account and group named by a hostile server, gives az exactly its vector', () => {
  fc.assert(fc.property(hostileValue, hostileValue, hostileValue, (account, group, objectId) => hostileSync('commands', () => {
    const args = cosmosRoleAssignmentCommand(account, group, objectId, '00000000-0000-0000-0000-000000000002');
    const argv = bashArgv(bashLine(args));
    assert.deepEqual(argv, pastedArgv(args).slice(1));
    const values = new Map(optionValues(argv));
    assert.equal(values.get('--account-name'), account);
    assert.equal(values.get('--resource-group'), group);
    assert.equal(values.get('--principal-id'), objectId);
    assert.equal(values.get('--scope'), '/');
    assert.equal(values.get('--role-definition-id'), '00000000-0000-0000-0000-000000000002');
    assert.equal(spawnSync('test', ['-e', canary]).status, 1, 'nothing in a value ran');
  })), { numRuns: 60 });
});

test('bash: the administrator request\'s commands, pasted as a block, run only az with the intended vectors', () => {
  fc.assert(fc.property(hostileValue, hostileValue, (group, description) => hostileSync('commands', () => {
    const commands = [createGroupCommand(group, 'nick', description), addMemberCommand(group, 'member')];
    const request = administratorRequest('create a group', 'Why.', commands);
    const bashPart = request.split('These Azure CLI commands do it (bash):\n\n')[1]!.split('\n\nOr in PowerShell:')[0]!;
    const record = join(scratch, 'block');
    const r = spawnSync('bash', ['--noprofile', '--norc', '-c', bashPart], { encoding: 'utf8', env: { PATH: `${scratch}:/usr/bin:/bin`, AZ_RECORD: record } });
    assert.equal(r.status, 0, r.stderr);
    // The last az run wrote the record; the first is checked through renderCommand above.
    assert.deepEqual(readFileSync(record, 'utf8').slice(0, -1).split('\0'), pastedArgv(commands[1]!).slice(1));
    assert.equal(spawnSync('test', ['-e', canary]).status, 1);
  })), { numRuns: 40 });
});

// PowerShell's language grammar: a verbatim (single-quoted) string starts and ends with any single-quote-character
// (' U+2018 U+2019 U+201A U+201B); inside, two consecutive single-quote-characters stand for one (the second is
// kept); every other character, newlines included, is itself. A backtick at the end of a line continues it.
const PS_SINGLE_QUOTES = new Set(["'", '\u2018', '\u2019', '\u201a', '\u201b']);
/** A bare argument we accept: characters with no meaning to PowerShell's argument mode, not starting with a dash. */
const PS_BARE = /^[A-Za-z0-9_./:][A-Za-z0-9_./:=-]*$/;
const PS_OPTION = /^--[a-z][a-z-]*$/;

/** Reads a command line as PowerShell does (the subset our text uses); throws on anything PowerShell would interpret. */
function powerShellArgv(text: string): string[] {
  const args: string[] = [];
  let i = 0;
  const chars = [...text];
  while (i < chars.length) {
    const c = chars[i]!;
    if (c === ' ') { i++; continue; }
    if (c === '`' && chars[i + 1] === '\n') { i += 2; continue; }
    if (PS_SINGLE_QUOTES.has(c)) {
      let value = '';
      i++;
      for (;;) {
        if (i >= chars.length) throw new Error(`unterminated string in ${JSON.stringify(text)}`);
        const d = chars[i]!;
        if (PS_SINGLE_QUOTES.has(d)) {
          if (PS_SINGLE_QUOTES.has(chars[i + 1] ?? '')) { value += chars[i + 1]; i += 2; continue; }
          i++;
          break;
        }
        value += d;
        i++;
      }
      if (i < chars.length && chars[i] !== ' ' && chars[i] !== '`') throw new Error(`text glued to a string: ${JSON.stringify(text)}`);
      args.push(value);
      continue;
    }
    let word = '';
    while (i < chars.length && chars[i] !== ' ' && !(chars[i] === '`' && chars[i + 1] === '\n')) word += chars[i++];
    if (!PS_BARE.test(word) && !PS_OPTION.test(word)) throw new Error(`PowerShell would interpret ${JSON.stringify(word)}`);
    args.push(word);
  }
  return args;
}

test('PowerShell: every generated hostile value is one verbatim string that reads back exactly', () => {
  assert.deepEqual(powerShellArgv("az x 'it''s' 'a’’b' '‘‘'"), ['az', 'x', "it's", 'a’b', '‘'], 'the tokenizer follows the grammar');
  for (const [name, builder] of builders) {
    fc.assert(fc.property(builder, (args) => hostileSync('commands', () => {
      const text = renderCommand(args, 'powershell');
      assert.deepEqual(powerShellArgv(text), pastedArgv(args), `${name}: ${text}`);
    })), { numRuns: 150 });
  }
});

test('a value that looks like an option stays a value; the issue\'s cases', () => {
  const groupName = `--x; touch ${canary}`;
  hostileSync('commands', () => {
    const bash = renderCommand(createGroupCommand(groupName, 'n', 'd'), 'bash');
    assert.deepEqual(bashArgv(bash).slice(3, 4), [`--display-name=${groupName}`]);
    assert.equal(spawnSync('test', ['-e', canary]).status, 1);
  });
  hostileSync('commands', () => {
    const ps = renderCommand(assignRoleCommand('o', 'User', '/subscriptions/s', 'Reader’; Remove-Item -Recurse ~'), 'powershell');
    assert.match(ps, /--role 'Reader’’; Remove-Item -Recurse ~'$/);
    assert.equal(powerShellArgv(ps).at(-1), 'Reader’; Remove-Item -Recurse ~');
  });
});

test('sign-in values that reach az\'s argument vector never start with "-"', () => {
  for (const name of ['-carol@contoso.com', '--allow-no-subscriptions@contoso.com', '-x@y.com']) {
    hostileSync('arguments', () => assert.ok(usernameProblem(name), name));
  }
  for (const tenant of ['-contoso.com', '--tenant', '-72f988bf-86f1-41af-91ab-2d7cd011db47']) {
    hostileSync('arguments', () => assert.ok(tenantProblem(tenant), tenant));
  }
  const commands = signInCommands({ tool: 'pwsh', method: 'device-code', tenant: 'contoso.com', cloud: 'AzureCloud', username: null }, 'AzureCloud');
  assert.deepEqual(bashArgv(commands.bash.replace(/^pwsh/, 'az')), ['-NoProfile', '-Command', "Connect-AzAccount -Tenant 'contoso.com' -UseDeviceAuthentication"]);
});
