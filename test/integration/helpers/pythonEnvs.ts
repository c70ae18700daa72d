// The two real azure-identity interpreters for a test: each one, or a skip on a developer machine without the
// Debian packages. Under CI both must be there, so a missing one fails instead of skipping.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { PythonAzureIdentityEnv } from '../../harness/python-envs.mjs';

const inCI = process.env.CI === 'true' || process.env.CI === '1';

export function usableInterpreter(t: TestContext, env: PythonAzureIdentityEnv): PythonAzureIdentityEnv | undefined {
  if (!env.problem) return env;
  if (inCI) assert.fail(env.problem);
  t.skip(env.problem);
  return undefined;
}
