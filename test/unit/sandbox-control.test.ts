// Control state: fault matching, request log, and the redaction that keeps secrets out of logs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ControlState, redactArgv, redactParameters, redactPath } from '../../src/sandbox/control';

describe('faults', () => {
  test('match by route name, by path glob and by method; `times` limits them', () => {
    const control = new ControlState();
    control.addFault({ route: 'entra.token', status: 500, times: 1 });
    assert.equal(control.takeFault('POST', 'arm.subscriptions.list', '/arm/subscriptions'), undefined);
    assert.equal(control.takeFault('POST', 'entra.token', '/t/oauth2/v2.0/token')?.status, 500);
    assert.equal(control.takeFault('POST', 'entra.token', '/t/oauth2/v2.0/token'), undefined, 'used up');

    control.addFault({ route: '/arm/subscriptions/*/providers/Microsoft.Authorization/**', method: 'PUT', drop: true });
    assert.equal(control.takeFault('GET', 'x', '/arm/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/a'), undefined, 'method');
    assert.equal(control.takeFault('PUT', 'x', '/arm/subscriptions/s/providers/microsoft.authorization/roleAssignments/a')?.drop, true, 'case-insensitive');
    assert.equal(control.takeFault('PUT', 'x', '/arm/subscriptions/s/t/providers/Microsoft.Authorization/x'), undefined, '* is one segment');
  });

  test('reset clears faults, log, counters, settings and tool behaviour', () => {
    const control = new ControlState();
    control.addFault({ route: 'x' });
    control.record({ method: 'GET', host: 'h', path: '/', route: 'r', status: 200, durationMs: 1 });
    control.settings.autoSignInAs = 'alice';
    control.tools.az = { mode: 'hang' };
    control.reset();
    assert.deepEqual([control.faults, control.log, control.counters, control.settings.autoSignInAs, control.tools.az], [[], [], {}, null, {}]);
  });
});

describe('redaction', () => {
  test('form and query secrets', () => {
    const form = new URLSearchParams({ grant_type: 'password', username: 'a@b', password: 'p', client_secret: 's', refresh_token: 'r', client_assertion: 'j', scope: 'x' });
    assert.deepEqual(redactParameters(form), { grant_type: 'password', username: 'a@b', password: '***', client_secret: '***', refresh_token: '***', client_assertion: '***', scope: 'x' });
    assert.equal(redactPath('/t/authorize?code=abc&state=1'), '/t/authorize?code=***&state=1');
    assert.equal(redactPath('/plain'), '/plain');
  });

  test('tool argv secrets', () => {
    assert.deepEqual(redactArgv(['login', '-u', 'alice', '-p', 'pw']), ['login', '-u', 'alice', '-p', '***']);
    assert.deepEqual(redactArgv(['login', '--password=pw', '--client-secret', 'cs']), ['login', '--password=***', '--client-secret', '***']);
  });
});
