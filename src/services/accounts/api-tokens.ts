import { AppError } from "../../lib/app-error.ts";
import { randomId, sha256Hex } from "../../lib/crypto.ts";
import type { PublicApiToken } from "../../shared/accounts.ts";
import type { PublicTeamToken } from "../../shared/teams.ts";
import * as tokenRows from "../../store/tokens.ts";
import { findApiTokenByHash, insertApiToken, touchApiToken } from "../../store/tokens.ts";
import { findUserById } from "../../store/users.ts";
import { appendAudit } from "../audit/audit.ts";
import type { ServiceContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { recordEvent } from "./events.ts";
import { type Account, toAccount } from "./users.ts";

/** Personal API tokens: shown once, stored as SHA-256, scoped, expiring, revocable. */
export const TOKEN_PREFIX = "loupe_pat_";
/** How much of a secret is kept in clear to recognise it: the fixed prefix and 4 random characters (24 of 256 bits). */
export const tokenHint = (secret: string): string => secret.slice(0, TOKEN_PREFIX.length + 4);

export function createApiToken(
  ctx: ServiceContext,
  input: { user: Account; fields: { name: string; scope: "read" | "write"; expiresInDays: number } },
): { token: string; apiToken: PublicApiToken } {
  const { user, fields } = input;
  const secret = `${TOKEN_PREFIX}${randomId(32)}`;
  const id = randomId();
  const now = ctx.clock.now();
  const expiresAt = now + fields.expiresInDays * 86_400_000;
  ctx.db.write(() => {
    insertApiToken(ctx.db, {
      id,
      userId: user.id,
      name: fields.name,
      hash: sha256Hex(secret),
      scope: fields.scope,
      now,
      expiresAt,
      prefix: tokenHint(secret),
    });
    appendAudit(ctx, { action: "token.created", actorId: user.id, targetId: id });
  });
  recordEvent(ctx, { type: "token.created", userId: user.id, targetId: id });
  return {
    token: secret,
    apiToken: {
      id,
      name: fields.name,
      scope: fields.scope,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(expiresAt).toISOString(),
      lastUsedAt: null,
      revoked: false,
    },
  };
}

export function listApiTokens(ctx: ServiceContext, userId: string): PublicApiToken[] {
  return tokenRows.listApiTokens(ctx.db, userId).map((t) => ({
    id: t.id,
    name: t.name,
    scope: t.scope,
    createdAt: new Date(t.created_at).toISOString(),
    expiresAt: new Date(t.expires_at).toISOString(),
    lastUsedAt: t.last_used_at === null ? null : new Date(t.last_used_at).toISOString(),
    revoked: t.revoked_at !== null,
  }));
}

export function revokeApiToken(ctx: ServiceContext, input: { userId: string; tokenId: string }): void {
  const { userId, tokenId } = input;
  const revoked = ctx.db.write(() => {
    const changes = tokenRows.revokeApiToken(ctx.db, userId, tokenId, ctx.clock.now());
    if (changes > 0) appendAudit(ctx, { action: "token.revoked", actorId: userId, targetId: tokenId });
    return changes;
  });
  if (revoked === 0) throw notFound("No such token.");
  recordEvent(ctx, { type: "token.revoked", userId, targetId: tokenId });
}

/** The user a bearer token stands for (and, for a team token, its team and role), or undefined. */
export function authenticateApiToken(
  ctx: ServiceContext,
  secret: string,
):
  | { user: Account; tokenId: string; scope: "read" | "write"; team?: { id: string; role: "member" | "reporter" } }
  | undefined {
  if (!secret.startsWith(TOKEN_PREFIX) || secret.length > 100) return undefined;
  const row = findApiTokenByHash(ctx.db, sha256Hex(secret));
  const now = ctx.clock.now();
  if (!row || row.revoked_at !== null || row.expires_at <= now) return undefined;
  const user = findUserById(ctx.db, row.user_id);
  if (!user || user.disabled_at !== null) return undefined;
  if (row.last_used_at === null || now - row.last_used_at >= 60_000)
    ctx.db.write(() => touchApiToken(ctx.db, row.id, now));
  return {
    user: toAccount(user),
    tokenId: row.id,
    scope: row.scope,
    ...(row.team_id && row.team_role ? { team: { id: row.team_id, role: row.team_role } } : {}),
  };
}

/**
 * A team API token: acts only in its team, with at most the given role (and never more than its
 * creator's live role there). Shown once, stored as SHA-256, expiring, revocable by the team's owners.
 */
export function createTeamApiToken(
  ctx: ServiceContext,
  input: {
    teamId: string;
    creatorId: string;
    name: string;
    scope: "read" | "write";
    role: "member" | "reporter";
    expiresInDays: number;
  },
): { token: string; apiToken: PublicTeamToken } {
  const secret = `${TOKEN_PREFIX}${randomId(32)}`;
  const id = randomId();
  const now = ctx.clock.now();
  const expiresAt = now + input.expiresInDays * 86_400_000;
  ctx.db.write(() => {
    insertApiToken(ctx.db, {
      id,
      userId: input.creatorId,
      name: input.name,
      hash: sha256Hex(secret),
      scope: input.scope,
      now,
      expiresAt,
      teamId: input.teamId,
      teamRole: input.role,
      prefix: tokenHint(secret),
    });
    appendAudit(ctx, { action: "token.created", actorId: input.creatorId, targetId: id, teamId: input.teamId });
  });
  return {
    token: secret,
    apiToken: {
      id,
      name: input.name,
      prefix: tokenHint(secret),
      scope: input.scope,
      role: input.role,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(expiresAt).toISOString(),
      lastUsedAt: null,
      revoked: false,
    },
  };
}

export function listTeamApiTokens(ctx: ServiceContext, teamId: string): PublicTeamToken[] {
  return tokenRows.listTeamApiTokens(ctx.db, teamId).map((t) => ({
    id: t.id,
    name: t.name,
    prefix: t.token_prefix,
    scope: t.scope,
    role: t.team_role ?? "reporter",
    createdAt: new Date(t.created_at).toISOString(),
    expiresAt: new Date(t.expires_at).toISOString(),
    lastUsedAt: t.last_used_at === null ? null : new Date(t.last_used_at).toISOString(),
    revoked: t.revoked_at !== null,
  }));
}

export function revokeTeamApiToken(
  ctx: ServiceContext,
  input: { teamId: string; actorId: string; tokenId: string },
): void {
  const { teamId, actorId, tokenId } = input;
  ctx.db.write(() => {
    if (tokenRows.revokeTeamApiToken(ctx.db, teamId, tokenId, ctx.clock.now()) === 0) throw notFound("No such token.");
    appendAudit(ctx, { action: "token.revoked", actorId, targetId: tokenId, teamId });
  });
}

export function assertScope(scope: "read" | "write", method: string): void {
  if (scope === "read" && !["GET", "HEAD", "OPTIONS"].includes(method)) {
    throw new AppError("TOKEN_SCOPE", "This token may only read.");
  }
}

export type { PublicApiToken };
