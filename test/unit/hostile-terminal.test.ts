// Names from a tenant, tool output and files reach the CLI's tables. Whatever they hold (ESC sequences, OSC 8
// links, CR + erase-line, C1 controls, newlines, bidi overrides, 10 KB names), the text the terminal gets only
// prints: no control character, one line per row, each cell within its width. --json keeps the exact data.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatRoles, formatWhoami } from '../../src/cli/access';
import { formatReport } from '../../src/cli/main';
import { fitToWidth, inert, inertStrings, wrapBashCommand } from '../../src/cli/terminalText';
import { quoteBash } from '../../src/core/team/commands';
import type { AccessReport } from '../../src/core/access/types';
import type { ChainReport } from '../../src/core/chain/types';
import { hostileSync } from '../harness/hostileTally';

/** Anything a terminal acts on instead of printing. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/u;

const ATTACKS = [
  '\u001b]8;;https://evil.example\u001b\\Owner\u001b]8;;\u001b\\',
  'Reader\r\u001b[2KOwner (fake)',
  '\u001b[2J\u001b[H',
  '\u001b[31mred\u001b[0m',
  'group\nSubscription Contoso (00000000-0000-0000-0000-000000000000)\n  Owner',
  'admin\u202Etxt.exe',
  '\u009b2J',
  '\u0007bell\u0008\u007f',
  'x'.repeat(10_000),
];

/** Strings built from the characters terminals act on, mixed with ordinary text. */
const hostileString = fc.array(fc.oneof(
  fc.constantFrom(...ATTACKS),
  fc.constantFrom('\u001b', '\u009b', '\r', '\n', '\r\n', '\u2028', '\u202e', '\u2066', '\t', '\u0000', '\u0085', '[', ']', ';', '\\'),
  fc.string({ unit: 'binary', maxLength: 20 }),
), { maxLength: 8 }).map((parts) => parts.join(''));

test('inert: no character a terminal acts on survives, for generated hostile strings; width is kept', () => {
  fc.assert(fc.property(hostileString, fc.integer({ min: 5, max: 200 }), (text, width) => hostileSync('terminal', () => {
    const shown = inert(text, width);
    assert.doesNotMatch(shown, ACTIVE);
    assert.ok([...shown].length <= width);
  })), { numRuns: 500 });
  assert.equal(inert('Reader\r\u001b[2KOwner (fake)'), 'Reader ↵ \\x1B[2KOwner (fake)');
  assert.equal(inert('admin\u202Etxt.exe'), 'admin\\u202Etxt.exe');
});

function chainReport(message: string, upn: string): ChainReport {
  return {
    azureIdentityVersion: '1.23.1', versionSource: 'flag', behaviour: '1.23', verification: null,
    sources: [
      { credential: 'EnvironmentCredential', status: 'unavailable', reached: true, decisive: false, message, identity: null, expiresOn: null, elapsedMs: 1 },
      { credential: 'AzureCliCredential', status: 'succeeded', reached: true, decisive: true, message: 'AzureCliCredential.get_token succeeded', identity: { upn, tenantId: 't' }, expiresOn: null, elapsedMs: 2 },
    ],
    verdict: { outcome: 'token', credential: 'AzureCliCredential', message: 'DefaultAzureCredential acquired a token from AzureCliCredential' },
    notes: [message],
  };
}

test('chain table: hostile tool messages and identities print as text, one line per row; --json keeps them', () => {
  fc.assert(fc.property(hostileString, hostileString, (message, upn) => hostileSync('terminal', () => {
    const report = chainReport(message, upn);
    const text = formatReport(report, { columns: 100 });
    assert.doesNotMatch(text, ACTIVE);
    const rows = text.split('\n').filter((l) => /^\s+\d\s/.test(l));
    assert.equal(rows.length, 2, 'a newline in a message forges no row');
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report, '--json is the report itself');
  })), { numRuns: 200 });
});

function accessReport(name: string): AccessReport {
  const assignment = { role: { roleName: name }, via: { kind: 'group', path: [name, 'parent'] }, scope: '/subscriptions/s', condition: null };
  return {
    cloud: 'AzureCloud', requests: 1, loadedAt: '2026-01-01T00:00:00Z',
    identity: { kind: 'user', displayName: name, upn: 'alice@contoso.com', objectId: 'o', tenantId: 't', tenantName: name, source: 'AzureCliCredential', expiresOn: null },
    groups: { count: 1, problem: null, items: [{ id: 'g', displayName: name, path: [name, 'parent'] }] },
    subscriptions: [{ subscriptionId: 's', displayName: name, problems: [], eligible: [], deny: [], scopes: [{ kind: 'subscription', scope: '/subscriptions/s', name, children: [], assignments: [assignment] }] }],
    insights: [{ title: name, detail: name }],
    problems: [],
  } as unknown as AccessReport;
}

test('whoami and roles: tenant-controlled names (groups, roles, subscriptions) cannot forge lines or send escapes', () => {
  for (const attack of ATTACKS) {
    hostileSync('terminal', () => {
      const shown = inertStrings(accessReport(attack), 100);
      for (const text of [formatWhoami(shown), formatRoles(shown, undefined)]) {
        assert.doesNotMatch(text, ACTIVE, JSON.stringify(attack));
        assert.ok(text.split('\n').every((line) => [...line].length < 400), 'a 10 KB name is elided');
        assert.doesNotMatch(text, /^Subscription Contoso/m, 'no forged subscription line');
      }
    });
  }
});

test('fitToWidth: long lines break at spaces under their indent, long words are cut, every line fits, no text is lost', () => {
  const scope = `/subscriptions/${'a'.repeat(8)}-aaaa-aaaa-aaaa-${'a'.repeat(12)}/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/stsandboxapp`;
  const text = [
    'short line',
    `    Storage Blob Data Contributor · via group sg-dev-team · inherited from ${scope}`,
    `  • ${'A sentence of many words that goes on. '.repeat(6).trim()}`,
    `  ! ${'x'.repeat(300)}`,
  ].join('\n');
  for (const columns of [40, 80, 120]) {
    const fitted = fitToWidth(text, columns);
    const lines = fitted.split('\n');
    assert.ok(lines.every((l) => [...l].length <= columns), `${columns}: ${lines.filter((l) => [...l].length > columns).join(' | ')}`);
    assert.equal(lines[0], 'short line');
    assert.equal(fitted.replace(/\s+/g, ''), text.replace(/\s+/g, ''), 'the same characters, only spaces and line breaks moved');
    // A continuation is indented deeper than the line it continues.
    const bullet = lines.findIndex((l) => l.startsWith('  • '));
    assert.match(lines[bullet + 1]!, /^ {4}\S/);
  }
});

test('wrapBashCommand: a long command broken with line continuations gives real bash the same words, each line within its width', () => {
  const word = fc.oneof(fc.constantFrom('--name', 'rg-app', "it's", 'a b', '$(touch x)', '`id`', '\\', '"', "''", '*', '--x; touch f'),
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 }));
  fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 12 }), fc.integer({ min: 40, max: 120 }), (words, width) => hostileSync('terminal', () => {
    const line = ['printf', quoteBash('%s\\0'), ...words.map(quoteBash)].join(' ');
    const wrapped = wrapBashCommand(line, width, '  ');
    // A line is within the width unless it is one word too long to fit anywhere (cutting it would change it).
    for (const l of wrapped) assert.ok([...l].length <= width || wrapBashCommand(l.trim().replace(/ \\$/, ''), 1).length === 1, l);
    const run = (text: string): string[] => {
      const r = spawnSync('bash', ['-c', text], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.split('\0').slice(0, -1);
    };
    assert.deepEqual(run(wrapped.join('\n')), words);
    assert.deepEqual(run(line), words);
  })), { numRuns: 60 });
});
