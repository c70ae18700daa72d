import * as vscode from 'vscode';
import { readAuthFile } from '../core/signin/authFile';
import type { CommandContext } from './commands/context';
import { CommandError } from './commands/registerCommand';
import { announceEnvWrite, writeToWorkspaceEnv } from './envWriter';

const PUBLIC_AUTHORITY = 'https://login.microsoftonline.com';

/**
 * AZURE_AUTH_LOCATION's JSON auth file, which DefaultAzureCredential ignores, as the three variables
 * EnvironmentCredential reads. The file is read only when the variable is the developer's own (the process
 * environment), not one a workspace `.env` sets, and it is never changed.
 */
export async function moveAuthFileToEnv(ctx: CommandContext): Promise<void> {
  const folder = ctx.folders.current().folder;
  if (!folder) throw new CommandError(vscode.l10n.t('Open a folder first: the values go into its .env file.'));
  if (!vscode.workspace.isTrusted) throw new CommandError(vscode.l10n.t('This workspace is not trusted: Azure Dev Auth does not write its .env file.'));
  const env = ctx.controller.sourceInputs(folder.uri.toString())?.env;
  const location = env?.AZURE_AUTH_LOCATION ?? process.env.AZURE_AUTH_LOCATION;
  if (!location) throw new CommandError(vscode.l10n.t('AZURE_AUTH_LOCATION is not set.'));
  const origin = process.env.AZURE_AUTH_LOCATION === location ? 'process' : 'dotenv';
  const read = await readAuthFile(location, { origin, cwd: folder.uri.fsPath });
  if (!read.ok) throw new CommandError(read.reason);
  const move = vscode.l10n.t('Move into .env');
  const answer = await vscode.window.showInformationMessage(
    vscode.l10n.t('Put the service principal of {0} into {1}\'s .env?', location, folder.name),
    { modal: true, detail: vscode.l10n.t('AZURE_CLIENT_ID {0} and AZURE_TENANT_ID {1}, and its client secret as AZURE_CLIENT_SECRET. {2} is left as it is.', read.clientId, read.tenantId, location) },
    move,
  );
  if (answer !== move) return;
  const values: Record<string, string> = { AZURE_CLIENT_ID: read.clientId, AZURE_TENANT_ID: read.tenantId, AZURE_CLIENT_SECRET: read.clientSecret };
  if (read.authorityHost && read.authorityHost.toLowerCase() !== PUBLIC_AUTHORITY) values.AZURE_AUTHORITY_HOST = read.authorityHost;
  const written = await writeToWorkspaceEnv(folder, values, vscode.l10n.t('the service principal of the auth file'));
  if (!written) return;
  ctx.log.info(`Moved the client id, tenant and secret of the AZURE_AUTH_LOCATION file into ${written.path}`);
  announceEnvWrite(written);
}
