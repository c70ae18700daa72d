// dist/engine.js: the one Node bundle that carries the Azure SDKs and everything built on them — the chain engine and
// the Access view's side (engineFacade), the team wizards' Azure side (team/facade) and the command line (cli/main).
// The extension loads it on first use; dist/cli.js is a few lines that load it too. One copy of each library, not one
// per entry point.
export { createEngineFacade } from './core/engineFacade';
export { createTeamFacade } from './core/team/facade';
export { main as runCli } from './cli/main';
/** The schema library, for dist/wizards.js (see build.mjs): one copy for the extension host. */
export * as zod from 'zod';
