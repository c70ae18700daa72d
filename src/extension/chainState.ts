import type { ChainReport } from '../core/chain/types';
import type { InterpreterChoice } from './pythonEnvironment';

/** What the Python interpreter told us about azure-identity. */
export interface PythonFacts {
  readonly interpreter: InterpreterChoice;
  /** The installed azure-identity version, or null when it is not installed. */
  readonly azureIdentityVersion: string | null;
  readonly brokerInstalled: boolean;
  /** Why the interpreter could not be asked (missing, crashed, untrusted workspace). */
  readonly problem: string | undefined;
}

/**
 * Everything the views and the status bar show, in one immutable value. Data flows one way: the controller
 * produces snapshots from probes; views only render them.
 */
export interface ChainSnapshot {
  readonly phase: 'idle' | 'probing' | 'ready' | 'error';
  readonly trusted: boolean;
  readonly python: PythonFacts | undefined;
  readonly report: ChainReport | undefined;
  /** Credentials whose probe is running right now. */
  readonly probing: ReadonlySet<string>;
  /** Chain order while probing, before a report exists (so rows can show a spinner). */
  readonly pendingOrder: readonly string[];
  readonly error: string | undefined;
  readonly checkedAt: number | undefined;
}

export const INITIAL_SNAPSHOT: ChainSnapshot = {
  phase: 'idle', trusted: true, python: undefined, report: undefined, probing: new Set(), pendingOrder: [],
  error: undefined, checkedAt: undefined,
};
