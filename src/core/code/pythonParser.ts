// Python source parsed by the tree-sitter Python grammar in WebAssembly (VS Code's own build of it,
// @vscode/tree-sitter-wasm), never by regular expressions: calls that span lines, aliases, comments and strings that
// merely look like code are told apart the way Python's own grammar does. The runtime and the grammar load once, on
// first use, from a folder the caller names (the extension's and the CLI's `dist/`, or the package in a checkout).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Language, Parser, Tree } from '@vscode/tree-sitter-wasm';

export const PYTHON_WASM_FILES = ['tree-sitter.wasm', 'tree-sitter-python.wasm'] as const;

/** Where the two .wasm files are: next to the bundle (`dist/`), else the package folder of a checkout. */
export function defaultWasmDir(): string {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  if (existsSync(join(here, PYTHON_WASM_FILES[1]))) return here;
  // A checkout (tests, tsx): the package's own folder. The name is a variable so that bundles do not inline it.
  const grammar = '@vscode/tree-sitter-wasm/wasm/tree-sitter-python.wasm';
  return dirname(require.resolve(grammar));
}

interface Loaded { readonly parser: Parser; readonly language: Language }
let loading: Promise<Loaded> | undefined;

async function load(wasmDir: string): Promise<Loaded> {
  const treeSitter = await import('@vscode/tree-sitter-wasm');
  const { Parser: ParserClass, Language: LanguageClass } = (treeSitter as unknown as { default?: typeof treeSitter }).default ?? treeSitter;
  await ParserClass.init({ locateFile: (file: string) => join(wasmDir, file) });
  const language = await LanguageClass.load(await readFile(join(wasmDir, PYTHON_WASM_FILES[1])));
  const parser = new ParserClass();
  parser.setLanguage(language);
  return { parser, language };
}

/** The parser, loaded once per process. A failed load is not cached, so a later call can try again. */
export function pythonParser(wasmDir?: string): Promise<Loaded> {
  loading ??= load(wasmDir ?? defaultWasmDir()).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** The text each tree was parsed from: the module node starts at its first token, not at the file's start. */
const sources = new WeakMap<Tree, string>();

/**
 * The text a tree was parsed from, indexed as the tree indexes it (UTF-16 code units, the unit of `startIndex`). For
 * a tree this module did not make, the module's own text, placed at its offset.
 */
export function sourceOf(tree: Tree): string {
  const known = sources.get(tree);
  if (known !== undefined) return known;
  const root = tree.rootNode;
  return ' '.repeat(root.startIndex) + root.text;
}

/** A syntax tree of `text`; the caller deletes it (`tree.delete()`) when done, as WebAssembly memory is not collected. */
export async function parsePython(text: string, wasmDir?: string): Promise<Tree> {
  const { parser } = await pythonParser(wasmDir);
  const tree = parser.parse(text);
  if (!tree) throw new Error('the Python parser gave no tree');
  sources.set(tree, text);
  return tree;
}
