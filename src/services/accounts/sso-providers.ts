import type * as v from "valibot";
import { invalidField } from "../../lib/app-error.ts";
import { aesGcmDecrypt, aesGcmEncrypt, randomId } from "../../lib/crypto.ts";
import type { PublicSsoProvider as PublicProvider, SsoProviderInput } from "../../shared/accounts.ts";
import { deleteProvider, findProvider, listProviders, type ProviderRow, upsertProvider } from "../../store/oidc.ts";
import { appendAudit } from "../audit/audit.ts";
import type { ServiceContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { recordEvent } from "./events.ts";

/**
 * SSO provider administration (instance admins): generic OpenID Connect issuers or the Google
 * preset. Client secrets are sealed with the keyring's field key and never leave the server. The
 * sign-in flow itself is in sso.ts.
 */
export const GOOGLE_ISSUER = "https://accounts.google.com";

/** A provider's settings as the API validates them (src/shared/accounts.ts). */
export type ProviderInput = v.InferOutput<typeof SsoProviderInput>;

function toPublicProvider(p: ProviderRow): PublicProvider {
  return {
    id: p.id,
    name: p.name,
    preset: p.preset,
    issuer: p.issuer,
    clientId: p.client_id,
    allowedDomains: JSON.parse(p.allowed_domains) as string[],
    jitEnabled: p.jit_enabled === 1,
    jitTeamId: p.jit_team_id,
    trustIdpMfa: p.trust_idp_mfa === 1,
    enabled: p.enabled === 1,
  };
}

export function isLoopback(url: URL): boolean {
  return ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}

/** The issuer must be https (plain http only on loopback, for development and tests). */
function checkIssuer(issuer: string): string {
  const url = URL.canParse(issuer) ? new URL(issuer) : undefined;
  if (
    !url ||
    !(url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url))) ||
    url.search ||
    url.hash ||
    url.username
  ) {
    throw invalidField("issuer", "Expected an https URL without query.", "The issuer must be an https URL.");
  }
  return issuer.replace(/\/$/, "");
}

function sealSecret(ctx: ServiceContext, id: string, secret: string): string {
  return aesGcmEncrypt(ctx.keyring.field, Buffer.from(secret), `oidc-client-secret:${id}`).toString("base64");
}

export function openSecret(ctx: ServiceContext, p: ProviderRow): string {
  return aesGcmDecrypt(
    ctx.keyring.field,
    Buffer.from(p.client_secret_sealed, "base64"),
    `oidc-client-secret:${p.id}`,
  ).toString("utf8");
}

export function listSsoProviders(ctx: ServiceContext): PublicProvider[] {
  return listProviders(ctx.db).map(toPublicProvider);
}

/** What the sign-in page may show: enabled providers' ids and names. */
export function listSignInProviders(ctx: ServiceContext): { id: string; name: string }[] {
  return listProviders(ctx.db)
    .filter((p) => p.enabled === 1)
    .map((p) => ({ id: p.id, name: p.name }));
}

export function saveSsoProvider(
  ctx: ServiceContext,
  input: { adminId: string; fields: ProviderInput; id?: string },
): PublicProvider {
  const { adminId, fields, id } = input;
  const now = ctx.clock.now();
  const existing = id ? findProvider(ctx.db, id) : undefined;
  if (id && !existing) throw notFound("No such provider.");
  const providerId = existing?.id ?? randomId();
  const issuer = checkIssuer(fields.preset === "google" ? GOOGLE_ISSUER : (fields.issuer ?? ""));
  if (!existing && !fields.clientSecret) {
    throw invalidField("clientSecret", "Required.", "A client secret is required.");
  }
  const row: ProviderRow = {
    id: providerId,
    name: fields.name,
    preset: fields.preset,
    issuer,
    client_id: fields.clientId,
    client_secret_sealed: fields.clientSecret
      ? sealSecret(ctx, providerId, fields.clientSecret)
      : existing!.client_secret_sealed,
    allowed_domains: JSON.stringify(fields.allowedDomains.map((d) => d.toLowerCase())),
    jit_enabled: fields.jitEnabled ? 1 : 0,
    jit_team_id: fields.jitTeamId ?? null,
    trust_idp_mfa: fields.trustIdpMfa ? 1 : 0,
    enabled: fields.enabled ? 1 : 0,
    created_at: existing?.created_at ?? now,
    updated_at: now,
  };
  ctx.db.write(() => {
    upsertProvider(ctx.db, row);
    appendAudit(ctx, { action: "sso.provider_changed", actorId: adminId, targetId: providerId });
  });
  ctx.ssoConfigs.delete(providerId);
  recordEvent(ctx, { type: "sso.provider_changed", userId: adminId, actorId: adminId, targetId: providerId });
  return toPublicProvider(row);
}

export function deleteSsoProvider(ctx: ServiceContext, input: { adminId: string; id: string }): void {
  const { adminId, id } = input;
  const deleted = ctx.db.write(() => {
    const changes = deleteProvider(ctx.db, id);
    if (changes > 0) appendAudit(ctx, { action: "sso.provider_changed", actorId: adminId, targetId: id });
    return changes;
  });
  if (deleted === 0) throw notFound("No such provider.");
  ctx.ssoConfigs.delete(id);
  recordEvent(ctx, { type: "sso.provider_changed", userId: adminId, actorId: adminId, targetId: id });
}
