// Names for the recommended local-development setup: an Entra security group `<app>-local-dev` per app, its mail
// nickname (Graph's rules: at most 64 ASCII characters, none of @ ( ) \ [ ] " ; : < > , . / ' or space), and a
// description that says what it is for.
import * as l10n from '@vscode/l10n';

const FORBIDDEN_IN_NICKNAME = /[@()\\[\]";:<>,./'\s]/;

/** "My App" → "my-app": lower case, runs of anything else turned into one dash. */
export function appSlug(folderName: string): string {
  // At most 64 characters: a folder name of any length still gives a group name Graph accepts (256 at most).
  const slug = folderName.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')
    .slice(0, 64).replace(/-+$/, '');
  return slug || 'app';
}

export function defaultGroupName(folderName: string): string {
  return `${appSlug(folderName)}-local-dev`;
}

export function defaultGroupDescription(folderName: string): string {
  return `Developers of ${folderName} who run it locally; holds the roles its local development needs.`;
}

/** A mail nickname derived from a display name, valid by construction. */
export function mailNicknameFor(displayName: string): string {
  const derived = displayName.normalize('NFKD').replace(/[^\x21-\x7e]/g, '').split('').filter((c) => !FORBIDDEN_IN_NICKNAME.test(c)).join('');
  return (derived || 'local-dev').slice(0, 64);
}

/** Why a mail nickname is invalid, or undefined. */
export function mailNicknameProblem(nickname: string): string | undefined {
  if (!nickname) return l10n.t('The mail nickname is required.');
  if (nickname.length > 64) return l10n.t('The mail nickname may have at most 64 characters.');
  if ([...nickname].some((c) => c.charCodeAt(0) > 0x7f)) return l10n.t('The mail nickname may only use ASCII characters.');
  const bad = nickname.split('').find((c) => FORBIDDEN_IN_NICKNAME.test(c));
  if (bad !== undefined) return bad === ' ' ? l10n.t('The mail nickname may not contain spaces.') : l10n.t('The mail nickname may not contain {0}.', `"${bad}"`);
  return undefined;
}

/** Why a group display name is invalid, or undefined. */
export function groupNameProblem(name: string): string | undefined {
  if (!name.trim()) return l10n.t('The group name is required.');
  if (name.length > 256) return l10n.t('The group name may have at most 256 characters.');
  return undefined;
}
