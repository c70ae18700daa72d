// What a failed sign-in means: the AADSTS table, and how a tool's ending (exit code, output, cancel, timeout,
// missing program) becomes one explanation with a way forward.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AADSTS_MEANINGS, aadstsCodes, deviceCodeIn, errorLine, explainSignInFailure, meaningOf, type SignInEnding } from '../../src/core/signin/signInFailures';

const ending = (output: string, overrides: Partial<SignInEnding> = {}): SignInEnding => ({
  tool: 'az', output, exitCode: 1, cancelled: false, timedOut: false, notFound: false, ...overrides,
});

// What the sandbox's Entra (and the real one) answers, as az prints it: "ERROR: AADSTS…: message\r\nTrace ID: …".
const AZ_MFA = 'ERROR: AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access \'797f4846-ba00-4fd7-ba43-dac1f8f63013\'.\r\nTrace ID: 0b5a1f0e-3c1e-4a8a-9d3e-5f2b8a7c6d00\r\nCorrelation ID: 6f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b\r\nTimestamp: 2026-01-02 10:00:00Z\n';

test('the table has one entry per code, each with a meaning and a fix, and the codes developers meet first', () => {
  const codes = AADSTS_MEANINGS.map((m) => m.code);
  assert.equal(new Set(codes).size, codes.length, 'no code twice');
  for (const m of AADSTS_MEANINGS) {
    assert.match(m.code, /^AADSTS\d{5,7}$/);
    assert.ok(m.title && m.meaning.endsWith('.') && m.fix.endsWith('.'), `${m.code} has a title, a meaning and a fix in sentences`);
  }
  for (const code of ['AADSTS50076', 'AADSTS50079', 'AADSTS53003', 'AADSTS50126', 'AADSTS700016', 'AADSTS90002', 'AADSTS7000218']) {
    assert.ok(meaningOf(code), `${code} is explained`);
  }
  assert.equal(meaningOf('aadsts50076')?.code, 'AADSTS50076', 'looked up whatever the case');
  assert.equal(meaningOf('AADSTS12345'), undefined);
});

test('MFA required (50076) and MFA registration (50079) point to a device code', () => {
  const mfa = explainSignInFailure(ending(AZ_MFA));
  assert.equal(mfa?.code, 'AADSTS50076');
  assert.equal(mfa?.title, 'Multi-factor authentication required');
  assert.match(mfa!.meaning, /multi-factor authentication/);
  assert.equal(mfa?.retryWith, 'device-code');
  assert.match(mfa!.detail!, /^ERROR: AADSTS50076: Due to a configuration change/);
  const registration = explainSignInFailure(ending('Connect-AzAccount: AADSTS50079: Due to a configuration change made by your administrator, you must enroll in multi-factor authentication.\n', { tool: 'pwsh' }));
  assert.equal(registration?.code, 'AADSTS50079');
  assert.equal(registration?.retryWith, 'device-code');
});

test('conditional access (53003) says that no sign-in method gets past it', () => {
  const failure = explainSignInFailure(ending('ERROR: AADSTS53003: Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.\n'));
  assert.equal(failure?.code, 'AADSTS53003');
  assert.match(failure!.meaning, /Conditional Access/);
  assert.equal(failure?.retryWith, null);
});

test('wrong password, unknown app, unknown tenant, public client flows', () => {
  assert.equal(explainSignInFailure(ending('ERROR: AADSTS50126: Error validating credentials due to invalid username or password.\n'))?.title, 'Wrong username or password');
  const app = explainSignInFailure(ending("ERROR: AADSTS700016: Application with identifier '04b07795-8ddb-461a-bbee-02f9e1bf7b46' was not found in the directory 'Contoso'.\n"));
  assert.match(app!.fix, /Tenant field/);
  const tenant = explainSignInFailure(ending("\nERROR: AADSTS90002: Tenant 'nosuch.onmicrosoft.com' not found.\n", { tool: 'azd' }));
  assert.equal(tenant?.title, 'Tenant not found');
  const publicClient = explainSignInFailure(ending("ERROR: AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.\n"));
  assert.match(publicClient!.fix, /Allow public client flows/);
});

test('the first code the table knows decides; an unknown code is named with where to look it up', () => {
  // A wrapper code first (unknown), then the real reason.
  const both = explainSignInFailure(ending('ERROR: AADSTS9999999: wrapper\nERROR: AADSTS50126: Error validating credentials.\n'));
  assert.equal(both?.code, 'AADSTS50126');
  const unknown = explainSignInFailure(ending('ERROR: AADSTS1234567: Something new.\n'));
  assert.equal(unknown?.code, 'AADSTS1234567');
  assert.match(unknown!.fix, /login\.microsoftonline\.com\/error\?code=1234567/);
  assert.deepEqual(aadstsCodes('AADSTS50076 … AADSTS50076 … AADSTS53003'), ['AADSTS50076', 'AADSTS53003']);
});

test('cancelled, timed out, not installed, no subscriptions, a browser that never came back', () => {
  const cancelled = explainSignInFailure(ending('partial output', { cancelled: true, exitCode: null }));
  assert.equal(cancelled?.title, 'Sign-in cancelled');
  assert.equal(cancelled?.code, null);
  assert.equal(explainSignInFailure(ending('', { exitCode: 130 }))?.title, 'Sign-in cancelled');
  const timedOut = explainSignInFailure(ending('', { timedOut: true, exitCode: null }));
  assert.equal(timedOut?.retryWith, 'device-code');
  const missing = explainSignInFailure(ending('', { notFound: true, exitCode: null, tool: 'azd' }));
  assert.equal(missing?.title, 'azd is not installed');
  assert.match(missing!.fix, /aka\.ms\/azure-dev\/install/);
  assert.match(explainSignInFailure(ending('ERROR: No subscriptions found for dave@contoso.com.\n'))!.fix, /--allow-no-subscriptions/);
  assert.equal(explainSignInFailure(ending('ERROR: Timed out waiting for the browser sign-in to complete.\n'))?.retryWith, 'device-code');
});

test('exit code 0 is success whatever was printed; other exits without a code still get an explanation', () => {
  assert.equal(explainSignInFailure(ending('WARNING: AADSTS50076 was seen earlier but the retry worked\n', { exitCode: 0 })), undefined);
  const other = explainSignInFailure(ending('ERROR: something broke\n', { exitCode: 2 }));
  assert.equal(other?.title, 'az exited with code 2');
  assert.equal(other?.detail, 'ERROR: something broke');
});

test('the detail line never carries a token', () => {
  const jwt = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJ1cG4iOiJhbGljZSJ9.c2lnbmF0dXJl';
  const line = errorLine(`ERROR: AADSTS50126: bad request with Authorization: Bearer ${jwt}\n`);
  assert.ok(line);
  assert.ok(!line.includes(jwt), 'the token is redacted');
  assert.match(line, /<redacted>/);
  assert.ok((errorLine(`ERROR: ${'x'.repeat(2_000)}`) ?? '').length <= 500);
});

test('the device-code prompt of az, Azure PowerShell and azd; only an https page is kept', () => {
  assert.deepEqual(deviceCodeIn('To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABCD2EFGH to authenticate.'),
    { code: 'ABCD2EFGH', url: 'https://microsoft.com/devicelogin' });
  assert.deepEqual(deviceCodeIn('WARNING: To sign in, use a web browser to open the page https://127.0.0.1:4430/devicelogin and enter the code XY7Z to authenticate.'),
    { code: 'XY7Z', url: 'https://127.0.0.1:4430/devicelogin' });
  assert.deepEqual(deviceCodeIn('Start by copying the next code: KLMN-PQRS\nThen press enter and continue to log in from your browser...'), { code: 'KLMN-PQRS', url: null });
  assert.deepEqual(deviceCodeIn('open the page javascript:alert(1) and enter the code ABCDEF to authenticate'), { code: 'ABCDEF', url: null });
  assert.equal(deviceCodeIn('Signed in.'), undefined);
});
