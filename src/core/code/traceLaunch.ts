// What the tracing does to a Python launch configuration, kept apart from VS Code so that it can be checked alone:
// the user's own configuration, unchanged but for the two variables a traced run needs.
import { delimiter } from 'node:path';
import { TRACE_FILE_VARIABLE } from './traceSitecustomize';

/** Python debug types whose launch configurations the tracing wraps (the Python Debugger's, and its older name). */
export const TRACED_DEBUG_TYPES = ['debugpy', 'python'] as const;
/** The launch configuration key that asks for a traced run. */
export const TRACING_KEY = 'azureDevAuthTracing';
/** Where the resolved configuration names its trace file, so that the debug session can be matched to it. */
export const TRACE_FILE_KEY = 'azureDevAuthTraceFile';
export const TRACED_CONFIGURATION_NAME = 'Python: run with Azure Dev Auth tracing';

/** A launch configuration as VS Code hands it over: any JSON object with a type, a request and a name. */
export interface LaunchConfiguration {
  type: string;
  request: string;
  name: string;
  [key: string]: unknown;
}

/**
 * The configuration with tracing: the sitecustomize's folder first on PYTHONPATH (before the configuration's own
 * PYTHONPATH, or else the inherited one) and the trace file named. Everything else is the user's.
 */
export function withTracing<T extends LaunchConfiguration>(config: T, folder: string, traceFile: string, inherited: string | undefined): T {
  const env: unknown = config.env;
  const own: Record<string, unknown> = env && typeof env === 'object' && !Array.isArray(env) ? { ...(env as Record<string, unknown>) } : {};
  const pythonPath = typeof own.PYTHONPATH === 'string' && own.PYTHONPATH ? own.PYTHONPATH : inherited;
  return {
    ...config,
    env: { ...own, PYTHONPATH: pythonPath ? `${folder}${delimiter}${pythonPath}` : folder, [TRACE_FILE_VARIABLE]: traceFile },
    [TRACE_FILE_KEY]: traceFile,
  };
}

/**
 * What Run and Debug offers: each of the user's Python launch configurations again, with tracing, then one for the
 * file in the editor.
 */
export function tracedVariants(configurations: readonly unknown[]): LaunchConfiguration[] {
  const out: LaunchConfiguration[] = [];
  for (const c of configurations) {
    if (!c || typeof c !== 'object' || Array.isArray(c)) continue;
    const type: unknown = Reflect.get(c, 'type');
    const request: unknown = Reflect.get(c, 'request');
    const name: unknown = Reflect.get(c, 'name');
    if (typeof type !== 'string' || !(TRACED_DEBUG_TYPES as readonly string[]).includes(type) || request !== 'launch' || typeof name !== 'string') continue;
    if (Reflect.get(c, TRACING_KEY) === true) continue;
    out.push({ ...(c as Record<string, unknown>), type, request, name: `${name} (Azure Dev Auth tracing)`, [TRACING_KEY]: true });
  }
  out.push({ type: 'debugpy', request: 'launch', name: TRACED_CONFIGURATION_NAME, program: '${file}', console: 'integratedTerminal', [TRACING_KEY]: true });
  return out;
}
