// The Credential Chain view's header row for tools that disagree, and the choices of its quick fix. Pure: the
// extension turns the row into a TreeItem and the choices into a quick pick whose items run its commands.
import * as l10n from '@vscode/l10n';
import type { DisagreementFix, IdentityDifference, OtherSignedInSource, ToolDisagreement } from '../chain/disagreement';
import type { TokenIdentity } from '../chain/types';
import { displayName, fullIdentity, markdownText, shortIdentity } from './chainRows';

function differenceText(difference: IdentityDifference): string {
  switch (difference) {
    case 'same': return l10n.t('the same account');
    case 'user': return l10n.t('another user');
    case 'tenant': return l10n.t('another tenant');
    case 'userAndTenant': return l10n.t('another user in another tenant');
  }
}

function who(identity: TokenIdentity): string {
  return fullIdentity(identity) ?? l10n.t('an unknown identity');
}

function whoWhere(identity: TokenIdentity): string {
  return identity.tenantId ? l10n.t('{0} (tenant {1})', who(identity), identity.tenantId) : who(identity);
}

/** "Tools disagree: Python uses alice (Azure CLI)". */
export function disagreementLabel(disagreement: ToolDisagreement): string {
  const { winner } = disagreement;
  const toolsDiffer = disagreement.others.some((o) => o.difference !== 'same');
  const uses = shortIdentity(winner.identity) ?? l10n.t('an unknown identity');
  return toolsDiffer ? l10n.t('Tools disagree: Python uses {0} ({1})', uses, displayName(winner.credential))
    : l10n.t('Tenants disagree: Python uses {0} ({1})', uses, displayName(winner.credential));
}

/** "Azure PowerShell: bob · Environment: app 1234…": the others that differ, shortest form. */
export function disagreementDescription(disagreement: ToolDisagreement): string {
  const parts = disagreement.others.filter((o) => o.difference !== 'same')
    .map((o) => `${displayName(o.credential)}: ${shortIdentity(o.identity) ?? '?'}${o.difference === 'tenant' ? ` (${l10n.t('other tenant')})` : ''}`);
  if (disagreement.configuredTenant) parts.push(`AZURE_TENANT_ID: ${l10n.t('another tenant')}`);
  return parts.join(' · ');
}

function otherLine(other: OtherSignedInSource): string {
  const when = other.afterWinner ? l10n.t('used only if the ones before it are gone') : l10n.t('before it in the chain, but it does not give Python the token');
  return `- **${markdownText(displayName(other.credential))}:** ${markdownText(whoWhere(other.identity))} — ${differenceText(other.difference)}${other.difference === 'same' ? '' : `; ${when}`}`;
}

/** Quick pick text renders `$(name)` as an icon: a name from a token claim must stay text. */
function inert(text: string): string {
  return text.replace(/\$\(/g, '$\u200b(');
}

/** A fix in words: the quick pick's label and detail (claims made inert). */
export function fixChoice(fix: DisagreementFix, disagreement: ToolDisagreement, azureIdentityVersion: string): { readonly label: string; readonly detail: string } {
  switch (fix.kind) {
    case 'pin':
      return {
        label: l10n.t('Pin {0} in .env ({1})', displayName(fix.credential), `${fix.variable}=${fix.value}`),
        detail: l10n.t('azure-identity {0} then uses {1} alone, whoever else is signed in.', azureIdentityVersion, displayName(fix.credential)),
      };
    case 'tenant': {
      const readers = fix.readers.map(displayName).join(', ');
      return {
        label: inert(l10n.t('Set {0} in .env', `${fix.variable}=${fix.value}`)),
        detail: inert(`${disagreement.configuredTenant
          ? l10n.t("The tenant of {0}'s token, instead of {1}.", displayName(disagreement.winner.credential), disagreement.configuredTenant)
          : l10n.t("The tenant of {0}'s token.", displayName(disagreement.winner.credential))} `
          + l10n.t('Read by {0}; az, azd and Azure PowerShell keep their own default tenant.', readers)),
      };
    }
    case 'signInAgain': {
      const other = disagreement.others.find((o) => o.credential === fix.credential);
      return {
        label: l10n.t('Sign In to {0} Again', displayName(fix.credential)),
        detail: inert(l10n.t('It is signed in as {0}; sign it in as {1} so every tool agrees.', who(other?.identity ?? {}), who(disagreement.winner.identity))),
      };
    }
    default: {
      const never: never = fix;
      return never;
    }
  }
}

/** The tooltip: who wins and why, who the others are, and the fixes this version allows. */
export function disagreementTooltip(disagreement: ToolDisagreement, azureIdentityVersion: string): string {
  const { winner } = disagreement;
  const lines = [
    l10n.t('**Your tools are signed in as different users or tenants.** azure-identity {0} tries the sources in chain order: **{1}** comes first with a token, so your code signs in as **{2}**.', markdownText(azureIdentityVersion), markdownText(displayName(winner.credential)), markdownText(whoWhere(winner.identity))),
    '',
    ...disagreement.others.map(otherLine),
    ...(disagreement.configuredTenant
      ? [`- ${l10n.t('**AZURE\\_TENANT\\_ID** (your environment or .env): {0} — not the tenant of that token', markdownText(disagreement.configuredTenant))}`]
      : []),
    '',
    l10n.t('Click the row to make the choice explicit:'),
    ...disagreement.fixes.map((fix) => `- ${markdownText(fixChoice(fix, disagreement, azureIdentityVersion).label)}`),
  ];
  if (!disagreement.fixes.some((f) => f.kind === 'pin')) {
    lines.push('', l10n.t("azure-identity {0} does not accept a source's name in AZURE\\_TOKEN\\_CREDENTIALS: Use Only This Source on a row gives the exclude\\_\\* keywords instead.", markdownText(azureIdentityVersion)));
  }
  return lines.join('\n');
}
