import * as vscode from 'vscode';
import { verificationOffer } from '../core/presentation/snapshotView';
import type { ChainSnapshot } from '../core/presentation/snapshot';
import { Commands } from './ids';

/** Versions already offered, across workspaces: the offer is about the library, not about a folder. */
const OFFERED_KEY = 'azureDevAuth.verificationOffered';

/**
 * After the first check that finds an azure-identity whose rules were only read or assumed, offers Verify with Python
 * at once (a notification with that button), once per version.
 */
export function offerVerification(snapshot: ChainSnapshot, state: vscode.Memento): void {
  const offered = state.get<unknown>(OFFERED_KEY);
  const list = Array.isArray(offered) ? offered.filter((v): v is string => typeof v === 'string') : [];
  const offer = verificationOffer(snapshot, list);
  if (!offer) return;
  void state.update(OFFERED_KEY, [...list, offer.version].slice(-50));
  const verify = vscode.l10n.t('Verify with Python');
  void vscode.window.showInformationMessage(offer.message, verify).then((picked) => {
    if (picked === verify) void vscode.commands.executeCommand(Commands.verify);
  });
}
