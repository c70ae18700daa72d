// The line above a credential construction in the editor: what DefaultAzureCredential gives the code there, from the
// chain check that modelled that very call (its literal keyword arguments), or why nothing. Pure: the extension's
// CodeLens provider shows it; plain text (a CodeLens title is never markup), names bounded.
import * as l10n from '@vscode/l10n';
import { describeCall } from '../python/keywords';
import type { ModelledKeywords } from '../code/credentialCalls';
import { displayName, firstLine, shortIdentity, verdictHeadline } from './chainRows';
import { activeSource, type ChainSnapshot } from './snapshot';
import { failedStatusText } from './snapshotView';

const MAX = 110;
const bounded = (text: string): string => {
  const clean = text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ');
  return clean.length > MAX ? `${clean.slice(0, MAX - 1)}…` : clean;
};

/** The lens of the call the Credential Chain view models. */
export function modelledCallLens(snapshot: ChainSnapshot): string {
  switch (snapshot.phase) {
    case 'idle': return l10n.t('Credential Chain: not checked yet');
    case 'probing': return `$(loading~spin) ${l10n.t('Checking the credential chain…')}`;
    case 'failed': return bounded(`$(warning) ${l10n.t('The last check failed: {0}', failedStatusText(snapshot))}`);
    case 'ready': {
      const report = snapshot.check.report;
      const active = activeSource(report);
      if (active) {
        const tenant = active.identity?.tenantId ? ` · ${l10n.t('tenant {0}', active.identity.tenantId)}` : '';
        return bounded(`→ ${l10n.t('{0} through {1}', shortIdentity(active.identity) ?? l10n.t('signed in'), displayName(active.credential))}${tenant}`);
      }
      return bounded(`$(error) ${firstLine(verdictHeadline(report.verdict, report.sources))}`);
    }
  }
}

/** What the modelled call passes, in Python, and what of it could not be read from the source. */
export function modelledCallDetail(modelled: ModelledKeywords): string {
  const unknown = modelled.unknown.length ? `; ${l10n.t('not known from the source: {0}', modelled.unknown.join(', '))}` : '';
  return bounded(`${describeCall(modelled.keywordArguments)}${unknown}`);
}
