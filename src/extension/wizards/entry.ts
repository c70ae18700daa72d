// dist/wizards.js: the wizards' and the sign-in page's side in the extension host, with the message schemas they
// validate with (zod itself comes from dist/engine.js, see build.mjs). Loaded on first use (see load.ts); activation
// registers only their commands and serializers.
export { disposeSignInWizard, initSignInWizard, openSignInWizard, restoreSignInWizard } from './signInWizard';
export { disposeTeamWizards, initTeamWizards, openGroupWizard, openRoleWizard, restoreTeamWizard } from './teamWizards';
export { signInWithSource } from '../signIn';
export { canDo, checkAccessFor } from './accessQuestions';
export { moveAuthFileToEnv } from '../moveAuthFile';
export { resolveToolDisagreement } from '../toolDisagreement';
