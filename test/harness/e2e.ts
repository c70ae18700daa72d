// node:test glue for end-to-end tests: one VS Code per test file, a screenshot of every failing test.
import { after, before, test, type TestContext } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_OUTPUT, VSCodeSession, type LaunchOptions } from './vscode';

export interface E2ESuite {
  /** The running VS Code; valid inside tests. */
  readonly vscode: VSCodeSession;
  /** A test that saves a screenshot named after itself when it fails. */
  test(name: string, body: (t: TestContext) => Promise<void>): void;
}

export function describeInVSCode(options: LaunchOptions | (() => Promise<LaunchOptions>)): E2ESuite {
  let session: VSCodeSession | undefined;
  before(async () => {
    const resolved = typeof options === 'function' ? await options() : options;
    session = await VSCodeSession.launch(resolved);
  }, { timeout: 180_000 });
  after(async () => {
    await session?.close();
  });
  return {
    get vscode() {
      if (!session) throw new Error('VS Code is not running');
      return session;
    },
    test(name, body) {
      test(name, { timeout: 120_000 }, async (t) => {
        try {
          await body(t);
        } catch (error) {
          if (session) {
            const dir = join(TEST_OUTPUT, 'failures');
            mkdirSync(dir, { recursive: true });
            const file = join(dir, `${name.replace(/[^\w.-]+/g, '_').slice(0, 100)}.png`);
            await session.page.screenshot({ path: file }).catch(() => undefined);
            t.diagnostic(`screenshot of the failure: ${file}`);
          }
          throw error;
        }
      });
    },
  };
}
