// One build for every bundle: the extension (Node, CommonJS, `vscode` external), the CLI, the sandbox tenant
// with its fake developer tools, and the browser bundle of the wizards.
// Usage: node build.mjs [--production] [--watch] [--package]   (--package: production build, then the .vsix)
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const packaging = process.argv.includes('--package');
const production = packaging || process.argv.includes('--production');
export const VSIX_PATH = 'dist-vsix/azure-dev-auth.vsix';
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
  legalComments: 'none',
};

/** Resolves `name` to what dist/engine.js exports as `name`, loaded at run time from beside the bundle. */
function fromEngine(name) {
  return {
    name: `${name}-from-engine`,
    setup(build) {
      build.onResolve({ filter: new RegExp(`^${name}$`) }, () => ({ path: name, namespace: 'from-engine' }));
      build.onLoad({ filter: /.*/, namespace: 'from-engine' }, (args) => ({
        contents: `module.exports = require(require('node:path').join(__dirname, 'engine.js')).${args.path};`, loader: 'js',
      }));
    },
  };
}

/**
 * One @vscode/l10n per process, shared by every Node bundle: the catalog the extension host (or the CLI) sets is the
 * one the engine, loaded later from its own bundle, looks core's texts up in. The first bundle to load keeps its copy
 * on a process-wide symbol; the others use that copy instead of their own.
 */
const sharedL10n = {
  name: 'shared-l10n',
  setup(build) {
    build.onResolve({ filter: /^@vscode\/l10n$/ }, () => ({ path: '@vscode/l10n', namespace: 'shared-l10n' }));
    build.onLoad({ filter: /.*/, namespace: 'shared-l10n' }, () => ({
      contents: "module.exports = globalThis[Symbol.for('azure-dev-auth.l10n')] ??= require('@vscode/l10n/dist/main.js');",
      loader: 'js', resolveDir: process.cwd(),
    }));
  },
};

const nodeBundles = [
  // Activation loads only this: it declares the views, commands and restorable pages (`vscode` is the host's).
  { entryPoints: { extension: 'src/extension/extension.ts' }, external: ['vscode'] },
  // What is behind them, wired right after activation returns (or by the first use before that). The chain's first
  // check loads the engine at once, so the host takes the engine's schema library (traced runs, auth files) rather
  // than a second copy of its own.
  { entryPoints: { host: 'src/extension/host.ts' }, external: ['vscode'], plugins: [fromEngine('zod')] },
  // The wizards' host side, loaded when a wizard or the sign-in page opens. Its schema library is the engine's copy
  // (the wizards' Azure side is in the engine anyway), so zod is not bundled twice for Node.
  { entryPoints: { wizards: 'src/extension/wizards/entry.ts' }, external: ['vscode'], plugins: [fromEngine('zod')] },
  // The engine, the team wizards' Azure side and the CLI, with the Azure SDKs once: loaded on first use, not at
  // activation; the CLI's own file only starts it.
  { entryPoints: { engine: 'src/engine.ts' } },
  { entryPoints: { cli: 'src/cli/bin.ts' }, banner: { js: '#!/usr/bin/env node' } },
  // The Python parse of a workspace's files, in worker threads the engine starts (core/code/parsePool.ts).
  { entryPoints: { parseWorker: 'src/core/code/parseWorker.ts' } },
  { entryPoints: { sandbox: 'src/sandbox/main.ts' }, optional: true },
  { entryPoints: { 'tools/az': 'src/sandbox/tools/az.ts', 'tools/azd': 'src/sandbox/tools/azd.ts', 'tools/pwsh': 'src/sandbox/tools/pwsh.ts' }, optional: true },
].filter((b) => !b.optional || Object.values(b.entryPoints).every((p) => existsSync(p)))
  .map(({ optional, plugins = [], ...b }) => ({ ...common, platform: 'node', format: 'cjs', target: 'node20', outdir: 'dist', ...b, plugins: [sharedL10n, ...plugins] }));

const browserBundles = [
  { entryPoints: { webview: 'src/webview/main.ts' } },
].map((b) => ({ ...common, platform: 'browser', format: 'esm', target: 'es2022', outdir: 'dist', ...b }));

/** Codicons are served to webviews from the extension itself (no CDN); copy the font and its CSS. */
function copyCodicons() {
  mkdirSync('dist/codicons', { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) cpSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/codicons/${f}`);
}

/** The Python grammar and its runtime (WebAssembly), read by the engine from beside it (dist/) on first use. */
function copyPythonGrammar() {
  for (const f of ['tree-sitter.wasm', 'tree-sitter-python.wasm']) cpSync(`node_modules/@vscode/tree-sitter-wasm/wasm/${f}`, `dist/${f}`);
}

const all = [...nodeBundles, ...browserBundles];
if (watch) {
  for (const options of all) await (await esbuild.context(options)).watch();
  copyCodicons();
  copyPythonGrammar();
} else {
  await Promise.all(all.map((options) => esbuild.build(options)));
  copyCodicons();
  copyPythonGrammar();
  if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755);
  const meta = JSON.parse(readFileSync('package.json', 'utf8'));
  writeFileSync('dist/build-info.json', JSON.stringify({ version: meta.version, production }) + '\n');
}

if (packaging) {
  // vsce's API rather than its CLI: one process, and the output folder is ours to create.
  const { createVSIX } = createRequire(import.meta.url)('@vscode/vsce');
  mkdirSync('dist-vsix', { recursive: true });
  await createVSIX({ packagePath: VSIX_PATH, dependencies: false });
}
