import type { CredentialName } from '../core/chain/types';
import { TOOL_CREDENTIALS, type SignInTool } from '../core/signin/signInPageCommands';

/** Sources a chain row can sign in to directly: the developer tools, each run in a terminal. */
export const TERMINAL_SIGN_INS: readonly { readonly credential: CredentialName; readonly tool: SignInTool }[] =
  (Object.entries(TOOL_CREDENTIALS) as [SignInTool, CredentialName][]).map(([tool, credential]) => ({ tool, credential }));
