// The redaction every person-facing message passes through, and the rule for where a probe may send a secret.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  isLoopbackHost, isMicrosoftAuthorityHost, secretMayGoTo, UncheckedHostError, assertSecretMayGoTo,
} from '../../src/core/chain/secretHosts';
import { REDACTED, redactSecrets, secretsOf } from '../../src/core/redact';

const JWT = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJvaWQiOiJjYW5hcnkifQ.c2lnbmF0dXJl';

describe('redactSecrets', () => {
  test('a JWT anywhere in a message', () => {
    const text = redactSecrets(`Unexpected output: ${JWT} trailing`);
    assert.equal(text, `Unexpected output: ${REDACTED} trailing`);
  });

  test('secret fields in JSON, Python repr and form encodings, whatever their value looks like', () => {
    const json = redactSecrets('Content: {"access_token": "opaque-canary-1", "refresh_token":"rt-2", "expires_in": 3599}');
    assert.equal(json, `Content: {"access_token": "${REDACTED}", "refresh_token":"${REDACTED}", "expires_in": 3599}`);
    const repr = redactSecrets(`Unexpected response "{'access_token': 'opaque-canary-1', 'token_type': 'Bearer'}"`);
    assert.equal(repr, `Unexpected response "{'access_token': '${REDACTED}', 'token_type': 'Bearer'}"`);
    const form = redactSecrets('grant_type=client_credentials&client_secret=s3cr3t-value&password=hunter2 end');
    assert.equal(form, `grant_type=client_credentials&client_secret=${REDACTED}&password=${REDACTED} end`);
    assert.equal(redactSecrets('{"accessToken": "x\\"y", "tenant": "t"}'), `{"accessToken": "${REDACTED}", "tenant": "t"}`);
  });

  test('credential headers and schemes', () => {
    assert.equal(redactSecrets('Authorization: Bearer opaque-value-123'), `Authorization: ${REDACTED}`);
    assert.equal(redactSecrets("{'Secret': 'the-secret', 'Metadata': 'true'}"), `{'Secret': '${REDACTED}', 'Metadata': 'true'}`);
    assert.equal(redactSecrets('sent Basic dXNlcjpwYXNzd29yZA== to it'), `sent Basic ${REDACTED} to it`);
    assert.equal(redactSecrets('\nazsdk%opaque-token%1700000000\n'), `\nazsdk%${REDACTED}%1700000000\n`);
  });

  test('known secret values from the environment, longest first', () => {
    const secrets = secretsOf({ AZURE_CLIENT_SECRET: 'abcd-secret-long', AZURE_PASSWORD: 'abcd', PATH: '/bin' });
    assert.deepEqual(secrets, ['abcd-secret-long', 'abcd']);
    assert.equal(redactSecrets('AADSTS7000215: Invalid client secret provided: abcd-secret-long.', secrets), `AADSTS7000215: Invalid client secret provided: ${REDACTED}.`);
    // Too short to redact without destroying ordinary words.
    assert.deepEqual(secretsOf({ AZURE_CLIENT_SECRET: 'ab' }), []);
  });

  test('leaves ordinary messages byte for byte and is idempotent', () => {
    const ordinary = "EnvironmentCredential authentication unavailable. Environment variables are not fully configured.\n"
      + "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.";
    assert.equal(redactSecrets(ordinary), ordinary);
    const once = redactSecrets(`{"access_token": "${JWT}"} Authorization: Bearer ${JWT}`);
    assert.equal(redactSecrets(once), once);
    assert.ok(!once.includes('eyJ'));
  });
});

describe('where a secret may go', () => {
  test('Microsoft Entra authorities of azure-identity (public, China, US Government) and loopback', () => {
    for (const host of ['login.microsoftonline.com', 'LOGIN.chinacloudapi.cn', 'login.microsoftonline.us.', 'westus2.login.microsoft.com']) assert.ok(isMicrosoftAuthorityHost(host), host);
    for (const host of ['evil.example.login.microsoft.com.evil.example', 'a.b.login.microsoft.com', 'login.microsoft.com.evil.example']) assert.equal(isMicrosoftAuthorityHost(host), false, host);
    for (const host of ['localhost', '127.0.0.1', '127.8.9.10', '[::1]', 'sandbox.localhost']) assert.ok(isLoopbackHost(host), host);
    for (const host of ['evil.example', 'login.microsoftonline.com.evil.example', 'microsoftonline.com', '128.0.0.1', '169.254.169.254']) {
      assert.equal(secretMayGoTo(host, []), false, host);
    }
  });

  test('a host the developer allowed, and nothing else', () => {
    assert.ok(secretMayGoTo('Evil.Example', ['evil.example']));
    assert.equal(secretMayGoTo('other.example', ['evil.example']), false);
    assert.throws(() => assertSecretMayGoTo('https://evil.example:8443/t/oauth2/v2.0/token', 'federated token', []), (error: unknown) =>
      error instanceof UncheckedHostError && error.host === 'evil.example' && /would send the federated token to evil.example: not checked/.test(error.message));
    assert.doesNotThrow(() => assertSecretMayGoTo('https://127.0.0.1:9/t', 'client secret', []));
  });
});
