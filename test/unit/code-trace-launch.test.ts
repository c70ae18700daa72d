import assert from 'node:assert/strict';
import { delimiter } from 'node:path';
import { test } from 'node:test';
import { TRACE_FILE_KEY, TRACED_CONFIGURATION_NAME, TRACING_KEY, tracedVariants, withTracing, type LaunchConfiguration } from '../../src/core/code/traceLaunch';
import { TRACE_FILE_VARIABLE } from '../../src/core/code/traceSitecustomize';

const FOLDER = '/storage/trace/python';
const FILE = '/storage/trace/runs/1.jsonl';

test('the user\'s own configuration is kept, with the sitecustomize first on its PYTHONPATH and the trace file named', () => {
  const mine = { type: 'debugpy', request: 'launch', name: 'App', program: '${workspaceFolder}/app.py', args: ['--port', '8000'], envFile: '${workspaceFolder}/.env', justMyCode: false, env: { PYTHONPATH: 'src', APP_MODE: 'dev' }, [TRACING_KEY]: true };
  const traced = withTracing(mine, FOLDER, FILE, '/inherited');
  assert.deepEqual(traced, {
    ...mine,
    env: { PYTHONPATH: `${FOLDER}${delimiter}src`, APP_MODE: 'dev', [TRACE_FILE_VARIABLE]: FILE },
    [TRACE_FILE_KEY]: FILE,
  });
  // The user's object is not changed.
  assert.deepEqual(mine.env, { PYTHONPATH: 'src', APP_MODE: 'dev' });
});

test('without a PYTHONPATH of its own the inherited one follows the sitecustomize; without either only the folder', () => {
  const bare: LaunchConfiguration = { type: 'python', request: 'launch', name: 'x' };
  const pythonPath = (c: LaunchConfiguration) => (c.env as Record<string, string>).PYTHONPATH;
  assert.equal(pythonPath(withTracing(bare, FOLDER, FILE, '/lib/a')), `${FOLDER}${delimiter}/lib/a`);
  assert.equal(pythonPath(withTracing(bare, FOLDER, FILE, undefined)), FOLDER);
  assert.equal(pythonPath(withTracing({ ...bare, env: ['junk'] }, FOLDER, FILE, undefined)), FOLDER);
});

test('Run and Debug offers each Python launch configuration again with tracing, then one for the current file', () => {
  const variants = tracedVariants([
    { type: 'debugpy', request: 'launch', name: 'App', program: 'app.py' },
    { type: 'python', request: 'launch', name: 'Old', module: 'pkg' },
    { type: 'debugpy', request: 'attach', name: 'Attach', connect: { port: 5678 } },
    { type: 'node', request: 'launch', name: 'Web' },
    { type: 'debugpy', request: 'launch', name: 'Already', [TRACING_KEY]: true },
    null, 'junk', ['debugpy'],
  ]);
  assert.deepEqual(variants.map((v) => [v.type, v.name, v[TRACING_KEY]]), [
    ['debugpy', 'App (Azure Dev Auth tracing)', true],
    ['python', 'Old (Azure Dev Auth tracing)', true],
    ['debugpy', TRACED_CONFIGURATION_NAME, true],
  ]);
  assert.equal(variants[0]!.program, 'app.py');
  assert.equal(variants[1]!.module, 'pkg');
  assert.equal(variants[2]!.program, '${file}');
});
