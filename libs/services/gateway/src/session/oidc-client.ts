import * as oidc from 'openid-client';
import type { SignInClaims } from '@countersign/identity';
import type { SsoConfig } from './sso-config.ts';

/** The secrets of one authorization request, kept server-side until its callback. */
export interface AuthorizationChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface VerifiedSignIn {
  claims: SignInClaims;
  /** Kept as `id_token_hint` for the IdP's end-session endpoint. */
  idToken: string;
}

/** Seconds a call to the IdP (discovery, token endpoint) may take. */
const IDP_TIMEOUT_S = 10;

/**
 * The console's OpenID Connect relying party (openid-client v6): the authorization code flow with
 * PKCE (S256), state and nonce. The IdP's metadata is discovered on first use and kept; a failed
 * discovery is tried again at the next sign-in, so an IdP that is down at start stops no gateway.
 */
export class OidcClient {
  private configuration?: Promise<oidc.Configuration>;

  constructor(private readonly sso: SsoConfig) {}

  private discover(): Promise<oidc.Configuration> {
    if (!this.configuration) {
      const { issuer, clientId, clientSecret } = this.sso;
      const auth = clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None();
      // sso-config.ts lets http through only for a loopback issuer (a development or test IdP).
      const execute = issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [];
      this.configuration = oidc.discovery(issuer, clientId, undefined, auth, { execute, timeout: IDP_TIMEOUT_S });
      this.configuration.catch(() => (this.configuration = undefined));
    }
    return this.configuration;
  }

  /** Fresh secrets for one sign-in: a PKCE verifier, state and nonce (each 256 random bits). */
  static newChecks(): AuthorizationChecks {
    return { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
  }

  async authorizationUrl(checks: AuthorizationChecks): Promise<string> {
    const config = await this.discover();
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.sso.redirectUri,
      scope: this.sso.scopes.join(' '),
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
      state: checks.state,
      nonce: checks.nonce,
    }).href;
  }

  /**
   * Redeems the callback's code and verifies the ID token (signature, issuer, audience, expiry,
   * nonce; state and PKCE on the way). `query` is the callback's query string as received.
   */
  async verifyCallback(query: string, checks: AuthorizationChecks): Promise<VerifiedSignIn> {
    const config = await this.discover();
    const tokens = await oidc.authorizationCodeGrant(config, new URL(`${this.sso.redirectUri}?${query}`), {
      pkceCodeVerifier: checks.codeVerifier, expectedState: checks.state, expectedNonce: checks.nonce, idTokenExpected: true,
    });
    const claims = tokens.claims();
    if (!claims || !tokens.id_token) throw new Error('the token response carried no ID token');
    return { claims: signInClaims(claims, this.sso.groupsClaim), idToken: tokens.id_token };
  }

  /** The IdP's end-session URL back to the console, when the IdP publishes one. */
  async endSessionUrl(idToken: string | undefined): Promise<string | undefined> {
    const config = await this.discover().catch(() => undefined);
    if (!config?.serverMetadata().end_session_endpoint) return undefined;
    return oidc.buildEndSessionUrl(config, {
      post_logout_redirect_uri: `${this.sso.publicUrl}/console`,
      client_id: this.sso.clientId,
      ...(idToken ? { id_token_hint: idToken } : {}),
    }).href;
  }
}

/**
 * The facts the sign-in rule needs, from verified claims. `email_verified` must be the boolean
 * true (some IdPs send the string "true": also accepted, nothing else). A group claim that is not
 * a list of strings (or one string) counts as absent: IdP-governed groups then refuse the sign-in.
 */
export function signInClaims(claims: Record<string, unknown>, groupsClaim: string): SignInClaims {
  const raw = claims[groupsClaim];
  const groups = typeof raw === 'string' ? [raw] : Array.isArray(raw) && raw.every((g) => typeof g === 'string') ? (raw as string[]) : undefined;
  return {
    sub: String(claims.sub),
    ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
    emailVerified: claims.email_verified === true || claims.email_verified === 'true',
    ...(groups ? { idpGroups: groups } : {}),
  };
}
