// Names and commands of the local-development setup: what a developer copies into a terminal must be exactly what
// the procedure documents, and a typed value must never become shell syntax.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { administratorRequest, assignRoleCommand, createGroupCommand, renderCommand } from '../../src/core/team/commands';
import { defaultGroupName, mailNicknameFor, mailNicknameProblem } from '../../src/core/team/names';

describe('group names', () => {
  test('the folder name plus -local-dev, and a valid mail nickname derived from it', () => {
    assert.equal(defaultGroupName('Contoso Orders API'), 'contoso-orders-api-local-dev');
    assert.equal(defaultGroupName('ünïcode_app'), 'unicode-app-local-dev');
    assert.equal(mailNicknameFor('sg (dev) team: "a", b.c/d\'e'), 'sgdevteamabcde');
    assert.equal(mailNicknameProblem(mailNicknameFor('x'.repeat(100))), undefined);
  });

  test('nickname rules: at most 64 ASCII characters, none of the forbidden ones', () => {
    assert.equal(mailNicknameProblem('app-local-dev'), undefined);
    assert.match(mailNicknameProblem('a b') ?? '', /spaces/);
    for (const c of ['@', '(', ')', '\\', '[', ']', '"', ';', ':', '<', '>', ',', '.', '/', "'"]) assert.ok(mailNicknameProblem(`a${c}b`), c);
    assert.match(mailNicknameProblem('x'.repeat(65)) ?? '', /64/);
    assert.match(mailNicknameProblem('café') ?? '', /ASCII/);
  });
});

describe('equivalent commands', () => {
  test('bash and PowerShell continuations, one option per line', () => {
    const args = assignRoleCommand('0000-1', 'Group', '/subscriptions/s/resourceGroups/rg-app', 'Storage Blob Data Contributor');
    assert.equal(renderCommand(args, 'bash'), [
      'az role assignment create \\',
      '  --assignee-object-id 0000-1 \\',
      '  --assignee-principal-type Group \\',
      '  --scope /subscriptions/s/resourceGroups/rg-app \\',
      "  --role 'Storage Blob Data Contributor'",
    ].join('\n'));
    assert.match(renderCommand(args, 'powershell'), /^az role assignment create `\n {2}--assignee-object-id 0000-1 `\n/);
  });

  test('a hostile description stays one argument in bash', () => {
    const description = "x'; touch /tmp/pwned; echo '$(id)`";
    const text = renderCommand(createGroupCommand('g', 'g', description), 'bash').replace(/^az /, 'printf "%s\\n" ').replace(/ \\\n {2}/g, ' ');
    const out = spawnSync('bash', ['-c', text], { encoding: 'utf8' });
    assert.equal(out.status, 0);
    assert.deepEqual(out.stdout.trim().split('\n'), ['ad', 'group', 'create', '--display-name', 'g', '--mail-nickname', 'g', '--description', description]);
  });

  test('the administrator request carries both shells', () => {
    const text = administratorRequest('create a security group for local development', 'Users may not create security groups in this tenant.', [createGroupCommand('app-local-dev', 'app-local-dev', 'd')]);
    assert.match(text, /az ad group create \\\n {2}--display-name app-local-dev/);
    assert.match(text, /Or in PowerShell:\n\naz ad group create `/);
  });
});
