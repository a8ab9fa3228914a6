import * as oidc from "openid-client";
import { AppError } from "../../lib/app-error.ts";
import { constantTimeEqual, randomId, sha256Hex } from "../../lib/crypto.ts";
import { errorFields } from "../../lib/logger.ts";
import { safeReturnTo } from "../../lib/redirect.ts";
import type { PublicSsoIdentity } from "../../shared/accounts.ts";
import { normalizeEmail } from "../../shared/email.ts";
import { textProblem } from "../../shared/text.ts";
import {
  deleteExpiredAuthRequests,
  deleteUserIdentity,
  findIdentity,
  findProvider,
  insertAuthRequest,
  insertIdentity,
  insertPendingLink,
  listUserIdentities,
  type ProviderRow,
  takeAuthRequest,
  takePendingLink,
} from "../../store/oidc.ts";
import { listActiveSessions, revokeSession } from "../../store/sessions.ts";
import { findTeam, insertMembership } from "../../store/teams.ts";
import { findUserByEmail, findUserById, type UserRow } from "../../store/users.ts";
import { appendAudit } from "../audit/audit.ts";
import type { ServiceContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { recordEvent } from "./events.ts";
import { createMfaChallenge } from "./login.ts";
import { createSession, type IssuedSession } from "./sessions.ts";
import { isLoopback, openSecret } from "./sso-providers.ts";
import type { Account } from "./users.ts";
import { createUser, hasConfirmedTotp } from "./users.ts";

/**
 * OpenID Connect sign-in (authorization code + PKCE S256, state and nonce bound to a pre-auth
 * cookie, exact redirect URI, issuer checked by openid-client). Identities are keyed on
 * (issuer, subject); an IdP account is never linked to a local account by email alone.
 */
export const SSO_REQUEST_TTL_MS = 10 * 60_000;
/** RFC 8176 methods that count as a second factor when the provider is trusted to attest MFA. */
const MFA_AMR = new Set(["mfa", "otp", "hwk", "swk", "fpt", "face", "iris", "retina", "sms", "tel", "pop"]);
/** How long a provider's discovered configuration is reused. */
export const SSO_DISCOVERY_TTL_MS = 10 * 60_000;

/** Discovered provider configurations by provider id: one cache per app instance (ServiceContext.ssoConfigs). */
export type SsoConfigCache = Map<string, { config: oidc.Configuration; at: number; updatedAt: number }>;

/** Discovers the provider (cached 10 minutes by ctx.clock); the metadata's issuer must equal the configured one. */
async function clientConfig(ctx: ServiceContext, p: ProviderRow): Promise<oidc.Configuration> {
  const cached = ctx.ssoConfigs.get(p.id);
  if (cached && cached.updatedAt === p.updated_at && ctx.clock.now() - cached.at < SSO_DISCOVERY_TTL_MS)
    return cached.config;
  const issuer = new URL(p.issuer);
  // ID tokens from the token endpoint are verified against the IdP's JWKS too (openid-client would
  // otherwise rely on TLS alone): a token signed with another key, or naming an unknown kid, fails.
  const execute = [
    oidc.enableNonRepudiationChecks,
    ...(issuer.protocol === "http:" && isLoopback(issuer) ? [oidc.allowInsecureRequests] : []),
  ];
  const config = await oidc.discovery(
    issuer,
    p.client_id,
    { client_secret: openSecret(ctx, p), id_token_signed_response_alg: "RS256" },
    oidc.ClientSecretBasic(openSecret(ctx, p)),
    {
      execute,
      timeout: 10,
    },
  );
  ctx.ssoConfigs.set(p.id, { config, at: ctx.clock.now(), updatedAt: p.updated_at });
  return config;
}

export function ssoRedirectUri(ctx: ServiceContext): string {
  return `${ctx.publicOrigin}/api/v1/auth/sso/callback`;
}

/**
 * Starts a sign-in (or, with `linkUserId`, the linking of an identity to the signed-in user): a
 * single-use state, a nonce and a PKCE verifier, all bound to the browser's pre-auth cookie value.
 */
export async function startSso(
  ctx: ServiceContext,
  input: { providerId: string; returnTo?: string | undefined; browserBinding: string; linkUserId?: string },
): Promise<{ authorizationUrl: string }> {
  const provider = findProvider(ctx.db, input.providerId);
  if (provider?.enabled !== 1) throw notFound("No such sign-in provider.");
  let config: oidc.Configuration;
  try {
    config = await clientConfig(ctx, provider);
  } catch (error) {
    ctx.logger.warn("sso.discovery_failed", { targetId: provider.id, ...errorFields(error) });
    throw new AppError("SSO_FAILED", "The sign-in provider cannot be reached or is misconfigured.");
  }
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const verifier = oidc.randomPKCECodeVerifier();
  const now = ctx.clock.now();
  ctx.db.write(() => {
    deleteExpiredAuthRequests(ctx.db, now);
    insertAuthRequest(ctx.db, {
      state_hash: sha256Hex(state),
      provider_id: provider.id,
      browser_hash: sha256Hex(input.browserBinding),
      nonce,
      code_verifier: verifier,
      return_to: safeReturnTo(input.returnTo, ctx.publicOrigin),
      link_user_id: input.linkUserId ?? null,
      created_at: now,
      expires_at: now + SSO_REQUEST_TTL_MS,
    });
  });
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: ssoRedirectUri(ctx),
    scope: "openid email profile",
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    response_type: "code",
    // Ask for `amr` explicitly (OIDC Core §5.5): the MFA policy reads it.
    claims: JSON.stringify({ id_token: { amr: null } }),
  });
  return { authorizationUrl: url.href };
}

export type SsoOutcome =
  | { kind: "session"; session: IssuedSession; returnTo: string }
  | { kind: "mfa"; challenge: string; binding: string; returnTo: string }
  | { kind: "linked"; returnTo: string }
  | { kind: "pending_link"; linkId: string }
  | {
      kind: "error";
      code: "invalid_request" | "failed" | "not_provisioned" | "domain_not_allowed" | "disabled" | "already_linked";
    };

function domainAllowed(p: ProviderRow, email: string | undefined, verified: boolean): boolean {
  const domains = JSON.parse(p.allowed_domains) as string[];
  if (domains.length === 0) return true;
  return verified && email !== undefined && domains.includes(email.split("@")[1] ?? "");
}

/**
 * Handles the IdP's redirect back. Everything that is wrong (state, cookie, PKCE, nonce, ID token,
 * issuer, audience, signature) ends in an error outcome, never a session.
 */
export async function completeSso(
  ctx: ServiceContext,
  input: { callbackQuery: string; browserBinding: string | undefined; userAgent: string },
): Promise<SsoOutcome> {
  const params = new URLSearchParams(input.callbackQuery);
  const state = params.get("state");
  if (!state || !input.browserBinding || state.length > 200) return { kind: "error", code: "invalid_request" };
  const request = ctx.db.write(() => takeAuthRequest(ctx.db, sha256Hex(state)));
  if (
    !request ||
    request.expires_at <= ctx.clock.now() ||
    !constantTimeEqual(request.browser_hash, sha256Hex(input.browserBinding))
  ) {
    return { kind: "error", code: "invalid_request" };
  }
  const provider = findProvider(ctx.db, request.provider_id);
  if (provider?.enabled !== 1) return { kind: "error", code: "failed" };

  let claims: oidc.IDToken;
  try {
    const config = await clientConfig(ctx, provider);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(`${ssoRedirectUri(ctx)}?${input.callbackQuery}`), {
      pkceCodeVerifier: request.code_verifier,
      expectedState: state,
      expectedNonce: request.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) return { kind: "error", code: "failed" };
    claims = idClaims;
  } catch (error) {
    ctx.logger.warn("sso.callback_refused", { targetId: provider.id, ...errorFields(error) });
    return { kind: "error", code: "failed" };
  }

  const issuer = String(claims.iss);
  const subject = String(claims.sub);
  const email = typeof claims.email === "string" ? normalizeEmail(claims.email) : undefined;
  const emailVerified = claims.email_verified === true;
  const amr = Array.isArray(claims.amr)
    ? (claims.amr as unknown[]).filter((m): m is string => typeof m === "string").slice(0, 10)
    : [];
  const identity = findIdentity(ctx.db, issuer, subject);

  if (request.link_user_id) {
    if (identity && identity.user_id !== request.link_user_id) return { kind: "error", code: "already_linked" };
    if (!identity) linkIdentity(ctx, provider.id, issuer, subject, request.link_user_id);
    return { kind: "linked", returnTo: request.return_to };
  }
  if (!domainAllowed(provider, email, emailVerified)) return { kind: "error", code: "domain_not_allowed" };

  let user: UserRow | undefined = identity ? findUserById(ctx.db, identity.user_id) : undefined;
  if (!user) {
    // Only a verified email may even reveal that a local account exists.
    if (email && emailVerified && findUserByEmail(ctx.db, email)) {
      // Never linked by email alone: the owner of the local account must sign in and confirm.
      const linkId = randomId(32);
      const now = ctx.clock.now();
      ctx.db.write(() =>
        insertPendingLink(ctx.db, {
          id: linkId,
          provider_id: provider.id,
          issuer,
          subject,
          browser_hash: sha256Hex(input.browserBinding!),
          created_at: now,
          expires_at: now + SSO_REQUEST_TTL_MS,
        }),
      );
      return { kind: "pending_link", linkId };
    }
    if (provider.jit_enabled !== 1 || !email || !emailVerified) return { kind: "error", code: "not_provisioned" };
    user = await createUser(ctx, {
      email,
      displayName: jitDisplayName(claims.name, email),
      password: null,
      isInstanceAdmin: false,
    });
    linkIdentity(ctx, provider.id, issuer, subject, user.id);
    const teamId = provider.jit_team_id;
    const newUser = user;
    // Just-in-time accounts join the provider's chosen team as reporters.
    if (teamId && findTeam(ctx.db, teamId)) {
      ctx.db.write(() => {
        insertMembership(ctx.db, {
          team_id: teamId,
          user_id: newUser.id,
          role: "reporter",
          created_at: ctx.clock.now(),
        });
        appendAudit(ctx, { action: "member.added", actorId: null, targetId: newUser.id, teamId });
      });
    }
  }
  if (user.disabled_at !== null) return { kind: "error", code: "disabled" };

  const idpAttestsMfa = provider.trust_idp_mfa === 1 && amr.some((m) => MFA_AMR.has(m));
  const sessionAmr = ["sso", `provider:${provider.id}`, ...amr.map((m) => `idp:${m}`)];
  if (hasConfirmedTotp(ctx, user.id) && !idpAttestsMfa) {
    return {
      kind: "mfa",
      ...createMfaChallenge(ctx, user.id, "sso", sessionAmr, request.return_to),
      returnTo: request.return_to,
    };
  }
  const session = await createSession(ctx, {
    user,
    method: idpAttestsMfa ? "sso+idp_mfa" : "sso",
    amr: idpAttestsMfa ? [...sessionAmr, "mfa"] : sessionAmr,
    userAgent: input.userAgent,
    mfaEnrolmentRequired: user.is_instance_admin === 1 && !hasConfirmedTotp(ctx, user.id),
  });
  recordEvent(ctx, { type: "sso.login", userId: user.id, targetId: provider.id });
  return { kind: "session", session, returnTo: request.return_to };
}

function linkIdentity(ctx: ServiceContext, providerId: string, issuer: string, subject: string, userId: string): void {
  ctx.db.write(() =>
    insertIdentity(ctx.db, {
      id: randomId(),
      provider_id: providerId,
      issuer,
      subject,
      user_id: userId,
      created_at: ctx.clock.now(),
    }),
  );
  recordEvent(ctx, { type: "sso.linked", userId, targetId: providerId });
}

/** The signed-in user confirms linking the IdP account that the same browser just came back with. */
export function confirmPendingLink(
  ctx: ServiceContext,
  input: { user: Account; linkId: string; browserBinding: string | undefined },
): void {
  const { user, linkId, browserBinding } = input;
  const pending = ctx.db.write(() => takePendingLink(ctx.db, linkId));
  if (
    !pending ||
    pending.expires_at <= ctx.clock.now() ||
    !browserBinding ||
    !constantTimeEqual(pending.browser_hash, sha256Hex(browserBinding))
  ) {
    throw notFound("This link request expired or belongs to another browser; sign in with the provider again.");
  }
  const identity = findIdentity(ctx.db, pending.issuer, pending.subject);
  if (identity && identity.user_id !== user.id) {
    throw new AppError("SSO_ALREADY_LINKED", "That account of the provider is linked to another Loupe account.");
  }
  if (!identity) linkIdentity(ctx, pending.provider_id, pending.issuer, pending.subject, user.id);
}

/** The IdP's `name` when it is one line of plain text (the API's rule for names), else the email's local part. */
function jitDisplayName(name: unknown, email: string): string {
  const trimmed = typeof name === "string" ? name.trim().slice(0, 100) : "";
  return trimmed !== "" && textProblem(trimmed, false) === undefined ? trimmed : email.split("@")[0]!;
}

/** The identities linked to my account (provider and date; never the provider's subject id). */
export function listMyIdentities(ctx: ServiceContext, userId: string): PublicSsoIdentity[] {
  return listUserIdentities(ctx.db, userId).map((i) => ({
    id: i.id,
    providerId: i.provider_id,
    providerName: i.provider_name,
    linkedAt: new Date(i.created_at).toISOString(),
  }));
}

/**
 * Unlinks one of my identities, unless it is my only way to sign in (no password, no other linked
 * identity of an enabled provider). My other sessions that this provider signed in end with it.
 */
export function unlinkIdentity(
  ctx: ServiceContext,
  input: { user: Account; identityId: string; currentSessionId: string },
): void {
  const { user, identityId, currentSessionId } = input;
  const identities = listUserIdentities(ctx.db, user.id);
  const identity = identities.find((i) => i.id === identityId);
  if (!identity) throw notFound("No such linked account.");
  const othersLeft = identities.some((i) => i.id !== identityId && findProvider(ctx.db, i.provider_id)?.enabled === 1);
  if (!user.has_password && !othersLeft)
    throw new AppError(
      "LAST_SIGN_IN_METHOD",
      "This is your only way to sign in: set a password or link another provider first.",
    );
  const now = ctx.clock.now();
  ctx.db.write(() => {
    deleteUserIdentity(ctx.db, user.id, identityId);
    for (const session of listActiveSessions(ctx.db, user.id)) {
      const amr = JSON.parse(session.amr) as string[];
      if (session.id !== currentSessionId && amr.includes(`provider:${identity.provider_id}`))
        revokeSession(ctx.db, session.id, "sso_unlinked", now);
    }
  });
  recordEvent(ctx, { type: "sso.unlinked", userId: user.id, targetId: identity.provider_id });
}
