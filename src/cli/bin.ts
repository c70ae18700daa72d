// dist/cli.js: `azure-dev-auth`. The command line lives in dist/engine.js beside this file (one copy of the engine for
// the extension and the CLI); this only starts it.
import { join } from 'node:path';

interface Engine { runCli(argv: readonly string[]): Promise<number> }

// A runtime path keeps the bundler from inlining the engine here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const engine = require(join(__dirname, 'engine.js')) as Engine;
void engine.runCli(process.argv.slice(2)).then((code) => { process.exitCode = code; });
