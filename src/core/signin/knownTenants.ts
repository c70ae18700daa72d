// The tenants the developer's az account reaches, from az's own profile (azureProfile.json: one entry per
// subscription, with its tenant's id, display name and default domain since az 2.27). The Sign In page offers them
// in its Tenant field, so signing in to another tenant is a pick rather than a GUID to look up. The file is the
// developer's (under their home or AZURE_CONFIG_DIR), never the workspace's; it is read with a size limit and
// validated, and only ids, names and domains leave this module.
import { readOptionalText } from '../files/boundedRead';
import { join } from 'node:path';
import { z } from 'zod';

export interface KnownTenant {
  readonly id: string;
  /** The tenant's display name when az recorded it, else null. */
  readonly name: string | null;
  /** The tenant's default domain (contoso.onmicrosoft.com) when az recorded it, else null. */
  readonly domain: string | null;
}

const MAX_PROFILE_BYTES = 5 * 1024 * 1024;
const MAX_TENANTS = 50;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/;

const profileSchema = z.object({ subscriptions: z.array(z.unknown()).max(10_000) });
const subscriptionSchema = z.object({
  tenantId: z.string().regex(GUID),
  tenantDisplayName: z.string().max(256).nullish(),
  tenantDefaultDomain: z.string().regex(DOMAIN).nullish(),
});

/** Distinct tenants of az's profile, in the profile's order; empty when az has none or the file is unusable. */
export function parseKnownTenants(text: string): KnownTenant[] {
  let json: unknown;
  // az writes the file with a byte-order mark.
  try { json = JSON.parse(text.replace(/^\uFEFF/, '')); } catch { return []; }
  const profile = profileSchema.safeParse(json);
  if (!profile.success) return [];
  const seen = new Map<string, KnownTenant>();
  for (const raw of profile.data.subscriptions) {
    // An entry az wrote differently (an older az, a hand edit) is skipped, not fatal.
    const entry = subscriptionSchema.safeParse(raw);
    if (!entry.success) continue;
    const id = entry.data.tenantId.toLowerCase();
    if (seen.has(id)) continue;
    seen.set(id, { id, name: entry.data.tenantDisplayName?.trim() || null, domain: entry.data.tenantDefaultDomain ?? null });
    if (seen.size >= MAX_TENANTS) break;
  }
  return [...seen.values()];
}

/** The tenants of az's profile for this environment (AZURE_CONFIG_DIR, else ~/.azure). */
export async function knownTenants(env: Readonly<Record<string, string | undefined>>): Promise<KnownTenant[]> {
  const dir = env.AZURE_CONFIG_DIR || (env.HOME ? join(env.HOME, '.azure') : undefined);
  if (!dir) return [];
  const file = join(dir, 'azureProfile.json');
  const text = await readOptionalText(file, 'toolSettings', { maxBytes: MAX_PROFILE_BYTES });
  if (text === undefined) return [];
  try {
    return parseKnownTenants(text);
  } catch {
    return [];
  }
}
