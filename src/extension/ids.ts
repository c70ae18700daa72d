/** Identifiers shared by the manifest (package.json) and the code; a rename here must be made there too. */
export const VIEW_CONTAINER_ID = 'azureDevAuth';
export const CHAIN_VIEW_ID = 'azureDevAuth.chain';
export const ACCESS_VIEW_ID = 'azureDevAuth.access';
export const STATUS_BAR_ITEM_ID = 'azureDevAuth.status';
export const OUTPUT_CHANNEL_NAME = 'Azure Dev Auth';

export const Commands = {
  refresh: 'azureDevAuth.refresh',
  showChain: 'azureDevAuth.showChain',
  signIn: 'azureDevAuth.signIn',
  showLog: 'azureDevAuth.showLog',
  openSettings: 'azureDevAuth.openSettings',
  verify: 'azureDevAuth.verify',
  copySnippet: 'azureDevAuth.copySnippet',
  statusActions: 'azureDevAuth.statusActions',
  switchInterpreter: 'azureDevAuth.switchInterpreter',
  installAzureIdentity: 'azureDevAuth.installAzureIdentity',
  signInWithSource: 'azureDevAuth.signInWithSource',
  excludeSource: 'azureDevAuth.excludeSource',
  pinSource: 'azureDevAuth.pinSource',
  copyDetails: 'azureDevAuth.copyDetails',
} as const;
