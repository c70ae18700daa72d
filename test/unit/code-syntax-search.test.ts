// The readers find imports, calls and names through the text and then the tree, instead of walking every node. What
// they find must be exactly what a walk of the whole tree finds: checked here against that walk on real-world shapes
// and on generated source full of look-alikes (the names inside strings, comments, f-strings, longer names, names
// next to letters that are not ASCII, dotted callees spread over lines, `import` in a string).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Node, Tree } from '@vscode/tree-sitter-wasm';
import { parsePython } from '../../src/core/code/pythonParser';
import { callsRootedAt, identifiersNamed, importStatementsOf } from '../../src/core/code/syntaxSearch';

const nodes = (list: readonly (Node | null)[]): Node[] => list.filter((n): n is Node => n !== null);
const ids = (list: readonly Node[]): number[] => list.map((n) => n.startIndex);

/** The whole-tree answers the search must equal. */
function byWalk(tree: Tree, names: readonly string[]) {
  const root = tree.rootNode;
  const imports = nodes(root.descendantsOfType(['import_from_statement', 'import_statement', 'future_import_statement']));
  const identifiers = nodes(root.descendantsOfType('identifier')).filter((n) => names.includes(n.text));
  const calls = nodes(root.descendantsOfType('call')).filter((call) => {
    let callee = call.childForFieldName('function');
    while (callee?.type === 'attribute') callee = callee.childForFieldName('object');
    return callee?.type === 'identifier' && names.includes(callee.text);
  });
  return { imports: ids(imports), identifiers: ids(identifiers), calls: ids(calls).sort((a, b) => a - b) };
}

async function agree(source: string, names: readonly string[]): Promise<void> {
  const tree = await parsePython(source);
  try {
    const expected = byWalk(tree, names);
    assert.deepEqual(ids(importStatementsOf(tree)), expected.imports, `imports of:\n${source}`);
    assert.deepEqual(ids(identifiersNamed(tree, names)), expected.identifiers, `identifiers of:\n${source}`);
    assert.deepEqual(ids(callsRootedAt(tree, names)).sort((a, b) => a - b), expected.calls, `calls of:\n${source}`);
  } finally {
    tree.delete();
  }
}

test('real-world shapes: aliases, dotted modules over lines, nested calls, imports inside functions and try blocks', async () => {
  await agree([
    'from __future__ import annotations',
    'import azure.identity',
    'import azure.storage.blob as blob',
    'from azure.identity import DefaultAzureCredential as DAC, ChainedTokenCredential',
    'try:',
    '    from azure.identity.aio import AzureCliCredential',
    'except ImportError:  # import fallback',
    '    AzureCliCredential = None',
    'def make():',
    '    import os',
    '    return ChainedTokenCredential(DAC(exclude_cli_credential=True), azure.identity.ManagedIdentityCredential(client_id=os.environ["X"]))',
    'client = blob.BlobServiceClient.from_connection_string(os.environ["CS"])',
    'other = (azure',
    '    .identity',
    '    .EnvironmentCredential)()',
    'text = "DAC() import azure"  # DAC()',
    'f"{DAC()}"',
    'myDAC = DAC_x = 1',
    'obj.DAC()',
  ].join('\n'), ['azure', 'blob', 'DAC', 'ChainedTokenCredential', 'os']);
});

test('a file that does not parse still agrees with the walk of what was read', async () => {
  await agree('from azure.identity import DefaultAzureCredential\ncred = DefaultAzureCredential(\nimport os\nx = (', ['DefaultAzureCredential', 'os']);
});

test('generated source full of look-alikes agrees with a walk of the whole tree', async () => {
  const name = fc.constantFrom('DAC', 'azure', 'blob', 'os', 'x');
  const piece = fc.oneof(
    name,
    fc.constantFrom('.', ' . ', '0_', '_', '(', ')', '()', ', ', '\n', '\n    ', '"', "'", '#', 'f"{', '}"', '=', ':', 'import ', 'from ', ' as ', 'é', 'DACé', 'éDAC',
      'def f():\n    ', 'class C:\n    ', 'try:\n    ', 'except:\n    ', '"""', 'lambda: ', '[', ']', '@', 'identity', 'Client', '\\\n', '\t', 'import'),
    fc.string({ maxLength: 6 }),
  );
  await fc.assert(fc.asyncProperty(fc.array(piece, { maxLength: 40 }), fc.subarray(['DAC', 'azure', 'blob', 'os', '_os', 'x'], { minLength: 1 }), async (pieces, names) => {
    await agree(pieces.join(''), names);
  }), { numRuns: 400 });
});
