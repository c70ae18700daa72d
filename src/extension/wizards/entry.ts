// dist/wizards.js: the wizards' and sign-in pages' side in the extension host, with the message schemas (zod) they
// validate with. Loaded on first use (see load.ts); activation registers only their commands and serializers.
export { disposeSignInWizard, initSignInWizard, openSignInWizard, restoreSignInWizard } from './signInWizard';
export { disposeTeamWizards, initTeamWizards, openGroupWizard, openRoleWizard, restoreTeamWizard } from './teamWizards';
export { signInWithSource } from '../signIn';
export { moveAuthFileToEnv } from '../moveAuthFile';
