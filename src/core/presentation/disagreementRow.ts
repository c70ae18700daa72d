// The Credential Chain view's header row for tools that disagree, and the choices of its quick fix. Pure: the
// extension turns the row into a TreeItem and the choices into a quick pick whose items run its commands.
import type { DisagreementFix, IdentityDifference, OtherSignedInSource, ToolDisagreement } from '../chain/disagreement';
import type { TokenIdentity } from '../chain/types';
import { displayName, fullIdentity, markdownText, shortIdentity } from './chainRows';

const DIFFERENCE: Readonly<Record<IdentityDifference, string>> = {
  same: 'the same account',
  user: 'another user',
  tenant: 'another tenant',
  userAndTenant: 'another user in another tenant',
};

function who(identity: TokenIdentity): string {
  return fullIdentity(identity) ?? 'an unknown identity';
}

function whoWhere(identity: TokenIdentity): string {
  return `${who(identity)}${identity.tenantId ? ` (tenant ${identity.tenantId})` : ''}`;
}

/** "Tools disagree: Python uses alice (Azure CLI)". */
export function disagreementLabel(disagreement: ToolDisagreement): string {
  const { winner } = disagreement;
  const toolsDiffer = disagreement.others.some((o) => o.difference !== 'same');
  return `${toolsDiffer ? 'Tools disagree' : 'Tenants disagree'}: Python uses ${shortIdentity(winner.identity) ?? 'an unknown identity'} (${displayName(winner.credential)})`;
}

/** "Azure PowerShell: bob · Environment: app 1234…": the others that differ, shortest form. */
export function disagreementDescription(disagreement: ToolDisagreement): string {
  const parts = disagreement.others.filter((o) => o.difference !== 'same')
    .map((o) => `${displayName(o.credential)}: ${shortIdentity(o.identity) ?? '?'}${o.difference === 'tenant' ? ' (other tenant)' : ''}`);
  if (disagreement.configuredTenant) parts.push('AZURE_TENANT_ID: another tenant');
  return parts.join(' · ');
}

function otherLine(other: OtherSignedInSource): string {
  const when = other.afterWinner ? 'used only if the ones before it are gone' : 'before it in the chain, but it does not give Python the token';
  return `- **${markdownText(displayName(other.credential))}:** ${markdownText(whoWhere(other.identity))} — ${DIFFERENCE[other.difference]}${other.difference === 'same' ? '' : `; ${when}`}`;
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
        label: `Pin ${displayName(fix.credential)} in .env (${fix.variable}=${fix.value})`,
        detail: `azure-identity ${azureIdentityVersion} then uses ${displayName(fix.credential)} alone, whoever else is signed in.`,
      };
    case 'tenant': {
      const readers = fix.readers.map(displayName).join(', ');
      return {
        label: inert(`Set ${fix.variable}=${fix.value} in .env`),
        detail: inert(`The tenant of ${displayName(disagreement.winner.credential)}'s token${disagreement.configuredTenant ? `, instead of ${disagreement.configuredTenant}` : ''}. `
          + `Read by ${readers}; az, azd and Azure PowerShell keep their own default tenant.`),
      };
    }
    case 'signInAgain': {
      const other = disagreement.others.find((o) => o.credential === fix.credential);
      return {
        label: `Sign In to ${displayName(fix.credential)} Again`,
        detail: inert(`It is signed in as ${who(other?.identity ?? {})}; sign it in as ${who(disagreement.winner.identity)} so every tool agrees.`),
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
    `**Your tools are signed in as different users or tenants.** azure-identity ${markdownText(azureIdentityVersion)} tries the sources in chain order: `
      + `**${markdownText(displayName(winner.credential))}** comes first with a token, so your code signs in as **${markdownText(whoWhere(winner.identity))}**.`,
    '',
    ...disagreement.others.map(otherLine),
    ...(disagreement.configuredTenant
      ? [`- **AZURE\\_TENANT\\_ID** (your environment or .env): ${markdownText(disagreement.configuredTenant)} — not the tenant of that token`]
      : []),
    '',
    'Click the row to make the choice explicit:',
    ...disagreement.fixes.map((fix) => `- ${markdownText(fixChoice(fix, disagreement, azureIdentityVersion).label)}`),
  ];
  if (!disagreement.fixes.some((f) => f.kind === 'pin')) {
    lines.push('', `azure-identity ${markdownText(azureIdentityVersion)} does not accept a source's name in AZURE\\_TOKEN\\_CREDENTIALS: `
      + 'Use Only This Source on a row gives the exclude\\_\\* keywords instead.');
  }
  return lines.join('\n');
}
