import type * as vscode from 'vscode';
import type { EngineFacade } from '../../core/engineFacade';
import { isCredentialName, type ChainReport, type CredentialName } from '../../core/chain/types';
import { assertNever, type ChainSnapshot } from '../../core/presentation/snapshot';
import type { AccessController } from '../accessController';
import type { AllowedHosts } from '../allowedHosts';
import type { ChainController } from '../chainController';
import type { FolderScopeTracker } from '../folderScope';
import type { CommandHost } from './registerCommand';

/** What the commands of every feature work with. */
export interface CommandContext extends CommandHost {
  readonly controller: ChainController;
  readonly access: AccessController;
  readonly engine: () => Promise<EngineFacade>;
  readonly folders: FolderScopeTracker;
  readonly allowedHosts: AllowedHosts;
  /** Disposables a command creates that outlive it (terminal listeners). */
  readonly keep: (disposable: vscode.Disposable | undefined) => void;
}

/** A source a command is about, from a tree row (`{kind: 'source', credential}`) or a tooltip link's JSON. */
export interface SourceArgument {
  readonly credential: CredentialName;
  /** From a "Check with <host>" link: the host the link was made for. */
  readonly host: string | undefined;
}

export function sourceArgument(arg: unknown): SourceArgument | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const credential: unknown = Reflect.get(arg, 'credential');
  if (typeof credential !== 'string' || !isCredentialName(credential)) return undefined;
  const host: unknown = Reflect.get(arg, 'host');
  return { credential, host: typeof host === 'string' ? host : undefined };
}

/** The report a command can act on: the current one, or the stale one a failed check still shows (with its time). */
export function reportOf(snapshot: ChainSnapshot): { report: ChainReport; staleSince: number | undefined } | undefined {
  switch (snapshot.phase) {
    case 'ready': return { report: snapshot.check.report, staleSince: undefined };
    case 'failed': return snapshot.stale ? { report: snapshot.stale.report, staleSince: snapshot.stale.checkedAt } : undefined;
    case 'probing': return snapshot.previous ? { report: snapshot.previous.report, staleSince: snapshot.previous.checkedAt } : undefined;
    case 'idle': return undefined;
    default: return assertNever(snapshot);
  }
}
