// The Debian archive the test harness downloads Debian 13's and sid's azure-identity from is the one this machine's
// apt is set up with, read from its sources files in either format, never a host the project names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machineDebianArchive } from '../harness/python-envs.mjs';

const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

test('a deb822 .sources file: the release entry, not the security archive, not a disabled one', () => {
  const text = [
    'Types: deb',
    'URIs: http://security.mirror.test/debian-security',
    'Suites: bookworm-security',
    'Components: main',
    '',
    'Types: deb',
    'Enabled: no',
    'URIs: http://disabled.mirror.test/debian',
    'Suites: bookworm',
    '',
    'Types: deb deb-src',
    '# a comment inside the stanza',
    'URIs: https://mirror.test/debian/',
    'Suites: bookworm bookworm-updates',
    'Components: main',
    `Signed-By: ${KEYRING}`,
  ].join('\n');
  assert.deepEqual(machineDebianArchive([{ path: '/etc/apt/sources.list.d/debian.sources', text }]), { uri: 'https://mirror.test/debian', keyring: KEYRING });
});

test('a one-line .list file, options and comments; a keyring that does not exist falls back to Debian\'s', () => {
  const text = '# deb http://old.test/debian bookworm main\ndeb-src http://src.test/debian bookworm main\ndeb [arch=amd64 signed-by=/nowhere.gpg] http://lan.test/debian trixie main contrib\n';
  assert.deepEqual(machineDebianArchive([{ path: '/etc/apt/sources.list', text }]), { uri: 'http://lan.test/debian', keyring: KEYRING });
});

test('other vendors\' archives are not taken for Debian\'s, and no archive at all is a clear error', () => {
  const text = 'deb https://deb.vendor.test/node_20.x nodistro main\n';
  assert.throws(() => machineDebianArchive([{ path: '/etc/apt/sources.list.d/vendor.list', text }]), /no Debian archive found/);
});

test('this machine has one', () => {
  assert.match(machineDebianArchive().uri, /^https?:\/\/\S+$/);
});
