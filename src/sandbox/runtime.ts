// What every sandbox service shares: the tenant state, the control state, the signing key, the TLS material and
// Entra's short-lived session records (refresh tokens, device codes, authorization codes).
import type { ControlState } from './control';
import type { TenantState } from './state';
import type { SandboxTls } from './tls';
import type { SigningKey } from './tokens';

export interface RefreshTokenRecord {
  userObjectId: string;
  clientAppId: string;
  issuedAt: number;
  /** The session passed MFA (device code and browser sign-ins do; ROPC does not). */
  mfa: boolean;
  /** Set by the control API to simulate AADSTS700082 (expired through inactivity). */
  expired: boolean;
  /** Authentication contexts the session satisfied (a sign-in with a claims challenge asking for them). */
  acrs?: string[];
}

export interface DeviceCodeRecord {
  deviceCode: string;
  userCode: string;
  clientAppId: string;
  scope: string;
  tenantSegment: string;
  createdAt: number;
  expiresAt: number;
  approvedUserObjectId?: string;
  declined: boolean;
  redeemed: boolean;
}

export interface AuthorizationCodeRecord {
  clientAppId: string;
  redirectUri: string;
  scope: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  nonce?: string;
  userObjectId: string;
  tenantSegment: string;
  expiresAt: number;
}

export class EntraSessions {
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly deviceCodes = new Map<string, DeviceCodeRecord>();
  readonly authorizationCodes = new Map<string, AuthorizationCodeRecord>();
  /** `user|client|resource` (lower case) a user consented to in an interactive sign-in. */
  readonly consents = new Set<string>();

  clear(): void {
    this.refreshTokens.clear();
    this.deviceCodes.clear();
    this.authorizationCodes.clear();
    this.consents.clear();
  }
}

export interface SandboxRuntime {
  state: TenantState;
  control: ControlState;
  signingKey: SigningKey;
  tls: SandboxTls;
  sessions: EntraSessions;
  /** `https://127.0.0.1:<port>` */
  loopbackUrl: string;
  /** Secret the App Service style managed identity endpoint expects in X-IDENTITY-HEADER. */
  identityHeader: string;
}
