/** Identifiers shared by the manifest (package.json) and the code; a rename here must be made there too. */
export const VIEW_CONTAINER_ID = 'azureDevAuth';
export const CHAIN_VIEW_ID = 'azureDevAuth.chain';
export const ACCESS_VIEW_ID = 'azureDevAuth.access';
export const STATUS_BAR_ITEM_ID = 'azureDevAuth.status';
export const OUTPUT_CHANNEL_NAME = 'Azure Dev Auth';
/** Webview panel types (the manifest's onWebviewPanel activation events name them). */
export const WIZARD_VIEW_TYPE = 'azureDevAuth.wizard';
/** Its own view type, so that VS Code restores a sign-in page to its host after a reload, not to the team wizards'. */
export const SIGN_IN_VIEW_TYPE = 'azureDevAuth.signInWizard';

export const Commands = {
  refresh: 'azureDevAuth.refresh',
  showChain: 'azureDevAuth.showChain',
  signIn: 'azureDevAuth.signIn',
  servicePrincipalForLocalDev: 'azureDevAuth.servicePrincipalForLocalDev',
  modelCredentialCall: 'azureDevAuth.modelCredentialCall',
  explainAzureError: 'azureDevAuth.explainAzureError',
  assignRoleForClient: 'azureDevAuth.assignRoleForClient',
  copyCosmosRoleCommand: 'azureDevAuth.copyCosmosRoleCommand',
  applyCodeFix: 'azureDevAuth.applyCodeFix',
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
  checkWithHost: 'azureDevAuth.checkWithHost',
  forgetAllowedHosts: 'azureDevAuth.forgetAllowedHosts',
  runWorkspaceProgram: 'azureDevAuth.runWorkspaceProgram',
  chooseFolder: 'azureDevAuth.chooseFolder',
  refreshAccess: 'azureDevAuth.refreshAccess',
  copyAccessCommands: 'azureDevAuth.copyAccessCommands',
  openInPortal: 'azureDevAuth.openInPortal',
  removeRoleAssignment: 'azureDevAuth.removeRoleAssignment',
  activateInPim: 'azureDevAuth.activateInPim',
  copyAdministratorRequest: 'azureDevAuth.copyAdministratorRequest',
  createLocalDevGroup: 'azureDevAuth.createLocalDevGroup',
  assignRole: 'azureDevAuth.assignRole',
  moveAuthFileToEnv: 'azureDevAuth.moveAuthFileToEnv',
  resolveToolDisagreement: 'azureDevAuth.resolveToolDisagreement',
  checkAccessFor: 'azureDevAuth.checkAccessFor',
  backToMyAccess: 'azureDevAuth.backToMyAccess',
  canDo: 'azureDevAuth.canDo',
  runPythonFileWithTracing: 'azureDevAuth.runPythonFileWithTracing',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];

/** publisher.name of the manifest. */
export const EXTENSION_ID = 'azure-dev-auth.azure-dev-auth';

/** The manifest's titles, for messages about a command ("Verify with Python failed: …"). */
export const COMMAND_TITLES: Readonly<Record<CommandId, string>> = {
  [Commands.refresh]: 'Refresh Chain',
  [Commands.showChain]: 'Show Chain',
  [Commands.signIn]: 'Sign In…',
  [Commands.servicePrincipalForLocalDev]: 'Service Principal for Local Development…',
  [Commands.modelCredentialCall]: 'Model This Call in the Credential Chain',
  [Commands.explainAzureError]: 'Explain This Azure Error',
  [Commands.assignRoleForClient]: 'Assign Role for This Client…',
  [Commands.copyCosmosRoleCommand]: 'Copy Cosmos DB Role Command',
  [Commands.applyCodeFix]: 'Apply Quick Fix',
  [Commands.showLog]: 'Show Log',
  [Commands.openSettings]: 'Open Settings',
  [Commands.verify]: 'Verify with Python',
  [Commands.copySnippet]: 'Copy Python Snippet',
  [Commands.statusActions]: 'Show Actions',
  [Commands.switchInterpreter]: 'Switch Interpreter',
  [Commands.installAzureIdentity]: 'Install azure-identity in the Interpreter',
  [Commands.signInWithSource]: 'Sign In with This Source',
  [Commands.excludeSource]: 'Exclude This Source…',
  [Commands.pinSource]: 'Use Only This Source…',
  [Commands.copyDetails]: 'Copy Details',
  [Commands.checkWithHost]: 'Check with This Host…',
  [Commands.forgetAllowedHosts]: 'Forget Hosts Allowed for Checks',
  [Commands.runWorkspaceProgram]: 'Run This Workspace Program…',
  [Commands.chooseFolder]: 'Choose Workspace Folder…',
  [Commands.refreshAccess]: 'Refresh Access',
  [Commands.copyAccessCommands]: 'Copy az Command',
  [Commands.openInPortal]: 'Open in Portal',
  [Commands.removeRoleAssignment]: 'Remove Role Assignment…',
  [Commands.activateInPim]: 'Activate in PIM',
  [Commands.copyAdministratorRequest]: 'Copy Administrator Request',
  [Commands.createLocalDevGroup]: 'Create Local Development Group…',
  [Commands.assignRole]: 'Assign Role…',
  [Commands.checkAccessFor]: 'Check Access for…',
  [Commands.backToMyAccess]: 'Back to My Access',
  [Commands.canDo]: 'Can … Do …?',
  [Commands.runPythonFileWithTracing]: 'Run Python File with Azure Dev Auth Tracing',
  [Commands.moveAuthFileToEnv]: 'Move AZURE_AUTH_LOCATION Values into .env…',
  [Commands.resolveToolDisagreement]: 'Resolve Tools That Disagree…',
};

/** workspaceState keys. */
export const StateKeys = {
  allowedHosts: 'azureDevAuth.allowedHosts',
  allowedPrograms: 'azureDevAuth.allowedPrograms',
  chosenFolder: 'azureDevAuth.chosenFolder',
} as const;

/** Context keys the manifest's `when` clauses read. */
export const ContextKeys = {
  hasAllowedHosts: 'azureDevAuth.hasAllowedHosts',
  /** The Access view shows a report (current, refreshing or stale): Copy az Command has something to copy. */
  hasAccessReport: 'azureDevAuth.hasAccessReport',
  /** The interpreter answered and has no azure-identity: Install azure-identity applies. */
  azureIdentityMissing: 'azureDevAuth.azureIdentityMissing',
  /** The Access view shows another principal's access (Check Access for…): Back to My Access applies. */
  accessForOther: 'azureDevAuth.accessForOther',
} as const;
