// Browser code of the wizard panels: picks the wizard the panel was opened for, restores its saved answers (a panel
// hidden and shown again, or restored after a reload, starts from getState()), and hands it the page.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { ready, savedState } from './bridge';
import { groupWizard, initialGroupState, type GroupState } from './groupWizard';
import { initialRoleState, roleWizard, type RoleState } from './roleWizard';
import { initialSignInState, restoredSignInState, signInWizard } from './signInWizard';
import { initSchema, type WizardInit } from './protocol';

const root = document.getElementById('app');
let started = false;

function restored(init: WizardInit): GroupState | RoleState | undefined {
  const saved = savedState();
  if (!saved || typeof saved !== 'object') return undefined;
  // The saved state is our own, but it is checked like everything else: a state of another wizard is not reused.
  const savedInit = initSchema.safeParse(Reflect.get(saved, 'init'));
  if (!savedInit.success || savedInit.data.wizard !== init.wizard || Reflect.get(saved, 'wizard') !== init.wizard) return undefined;
  return saved as GroupState | RoleState;
}

if (root) {
  ready((init) => {
    if (started) return;
    started = true;
    if (init.wizard === 'signIn') {
      signInWizard(root, restoredSignInState(savedState(), init) ?? initialSignInState(init));
      return;
    }
    const state = restored(init);
    if (init.wizard === 'group') groupWizard(root, (state as GroupState | undefined) ?? initialGroupState(init));
    else roleWizard(root, (state as RoleState | undefined) ?? initialRoleState(init));
  });
}
