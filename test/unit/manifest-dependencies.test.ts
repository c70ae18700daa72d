// package.json says what the product runs on: every package the shipped code imports at run time is a declared
// dependency (not something another package happens to pull in), a package only the tests or the type checker use is
// a development dependency, and no runtime dependency is declared that the product does not use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** Packages the build copies into the bundle rather than imports (build.mjs). */
const COPIED_BY_BUILD = new Set(['@vscode/codicons']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

interface Imported { runtime: Map<string, string>; typeOnly: Map<string, string> }

/** Bare specifiers of the product's imports, split by whether they survive compilation. */
function importsOfProduct(): Imported {
  const runtime = new Map<string, string>();
  const typeOnly = new Map<string, string>();
  const statement = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?'([^']+)'|import\(\s*'([^']+)'\s*\)/gm;
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(statement)) {
      const specifier = m[3] ?? m[4]!;
      if (specifier.startsWith('.') || specifier.startsWith('node:') || specifier === 'vscode') continue;
      const where = relative(ROOT, file);
      if (m[2]) typeOnly.set(packageOf(specifier), where);
      else runtime.set(packageOf(specifier), where);
    }
  }
  return { runtime, typeOnly };
}

test('every package the product imports at run time is a declared dependency', () => {
  const { runtime } = importsOfProduct();
  assert.ok(runtime.size >= 8, `the scan finds the product's imports (${[...runtime.keys()].join(', ')})`);
  for (const [name, where] of runtime) {
    assert.ok(name in manifest.dependencies, `${where} imports ${name}, which package.json does not list as a dependency`);
  }
});

test('a package used only for types is a development dependency', () => {
  const { runtime, typeOnly } = importsOfProduct();
  for (const [name, where] of typeOnly) {
    if (runtime.has(name)) continue;
    assert.ok(name in manifest.devDependencies || name in manifest.dependencies, `${where} uses the types of ${name}, which package.json does not list`);
    assert.ok(!(name in manifest.dependencies), `${name} is only used for its types (${where}): a development dependency`);
  }
});

test('no runtime dependency is declared that the product does not use', () => {
  const { runtime } = importsOfProduct();
  for (const name of Object.keys(manifest.dependencies)) {
    assert.ok(runtime.has(name) || COPIED_BY_BUILD.has(name), `${name} is a dependency, but nothing under src imports it: move it to devDependencies`);
  }
});
