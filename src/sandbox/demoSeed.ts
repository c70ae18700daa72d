// The tenant `npm start` opens: the default seed with one setting changed, so that the demo developer can walk the
// whole recommended setup herself. In the default seed users may not create security groups (as in many real
// tenants), which is where the group wizard's refusal is shown; here alice creates `<app>-local-dev`, owns it and
// so adds members, and she assigns a data role at `rg-app`, where she holds User Access Administrator. Every other
// fact of the default seed stays, so the refused paths (bob's or dave's missing rights, carol's MFA) are one sign-in
// away, and the fully restricted tenant is `--seed-preset default` (`npm start -- --restricted`).
import { defaultSeed, type SandboxSeed } from './seed';

export function demoSeed(): SandboxSeed {
  const seed = defaultSeed();
  seed.tenant.usersCanCreateSecurityGroups = true;
  return seed;
}
