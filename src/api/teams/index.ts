import { Hono } from "hono";
import * as v from "valibot";
import { AuditEntrySchema } from "../../shared/audit.ts";
import type { AppEnv } from "../../http/app-env.ts";
import { recentSessionOf, sessionOf } from "../../http/auth.ts";
import { action } from "../../http/authorize.ts";
import { type IpLimiter, ipRateLimit } from "../../http/rate-limit.ts";
import { describe } from "../../http/respond.ts";
import { validate } from "../../http/validation.ts";
import { toCsv } from "../../lib/csv.ts";
import { listAudit } from "../../services/audit/audit.ts";
import type { ServiceContext } from "../../services/context.ts";
import { acceptInvitation, inviteMember, listTeamInvitations, registerWithInvitation, revokeTeamInvitation } from "../../services/teams/invitations.ts";
import { endSupportAccess, grantSupportAccess, supportAccessOf } from "../../services/teams/support.ts";
import { changeRole, createTeam, deleteOwnAccount, deleteTeamOf, members, myTeams, removeMember, renameTeamOf, toPublicTeam, updatePolicy } from "../../services/teams/teams.ts";
import {
  AuditExportQuery,
  IdSchema,
  InvitationAcceptInput,
  InvitationInput,
  InvitationRegisterInput,
  PolicyInput,
  RoleInput,
  SupportAccessInput,
  TeamCreateInput,
  TeamTokenInput,
  TeamUpdateInput,
} from "../../shared/teams.ts";
import { createTeamApiToken, listTeamTokens, revokeTeamToken } from "../../services/accounts/api-tokens.ts";
import { exportTeam } from "../../services/teams/export.ts";

const Team = v.object({
  id: v.string(),
  name: v.string(),
  role: v.nullable(v.string()),
  policy: v.object({ mfaRequired: v.boolean(), sessionIdleMinutes: v.nullable(v.number()), ssoRequired: v.boolean(), ssoProviderIds: v.array(v.string()), idpMfaAccepted: v.boolean() }),
  createdAt: v.string(),
});
const Member = v.object({ userId: v.string(), displayName: v.string(), email: v.string(), role: v.string(), since: v.string() });
const Invitation = v.object({ id: v.string(), email: v.string(), role: v.string(), createdAt: v.string(), expiresAt: v.string(), state: v.string() });
const Support = v.object({ active: v.boolean(), expiresAt: v.nullable(v.string()) });
const Ok = v.object({ ok: v.literal(true) });
const TeamParam = v.strictObject({ teamId: IdSchema });
const MemberParam = v.strictObject({ teamId: IdSchema, userId: IdSchema });
const InvitationParam = v.strictObject({ teamId: IdSchema, invitationId: IdSchema });
const TEAM_ERRORS = [400, 401, 403, 404];
const TeamToken = v.object({ id: v.string(), name: v.string(), scope: v.string(), role: v.string(), createdAt: v.string(), expiresAt: v.string(), lastUsedAt: v.nullable(v.string()), revoked: v.boolean() });
const TokenParam = v.strictObject({ teamId: IdSchema, tokenId: IdSchema });

/** Teams, their members, invitations, security policy, support access and audit trail. */
export function teamRoutes(deps: { ctx: ServiceContext; ipLimiter: IpLimiter }) {
  const { ctx } = deps;
  return new Hono<AppEnv>()
    .get("/api/v1/teams", action("self"), describe("My teams, with my role", ["teams"], { 200: { description: "Teams", schema: v.object({ teams: v.array(Team) }) } }), (c) => {
      const { user } = sessionOf(c);
      return c.json({ teams: myTeams(ctx, user.id) });
    })
    .post("/api/v1/teams", action("self"), describe("Create a team (I become its owner)", ["teams"], { 201: { description: "Created", schema: Team } }), validate("json", TeamCreateInput), (c) => {
      const { user } = sessionOf(c);
      return c.json(createTeam(ctx, user.id, c.req.valid("json").name), 201);
    })
    .get("/api/v1/teams/:teamId", action("team.read", ctx), describe("A team", ["teams"], { 200: { description: "Team", schema: Team } }, TEAM_ERRORS), validate("param", TeamParam), (c) => {
      const access = c.get("team");
      return c.json(toPublicTeam(access.team, access.role));
    })
    .patch("/api/v1/teams/:teamId", action("team.update", ctx), describe("Rename a team", ["teams"], { 200: { description: "Team", schema: Team } }, TEAM_ERRORS), validate("param", TeamParam), validate("json", TeamUpdateInput), (c) =>
      c.json(renameTeamOf(ctx, c.get("team"), c.req.valid("json").name)),
    )
    .delete("/api/v1/teams/:teamId", action("team.delete", ctx), describe("Delete a team and all its data (re-authentication first)", ["teams"], { 200: { description: "Deleted", schema: Ok } }, TEAM_ERRORS), validate("param", TeamParam), (c) => {
      recentSessionOf(c, ctx);
      deleteTeamOf(ctx, c.get("team"));
      return c.json({ ok: true as const });
    })
    .patch("/api/v1/teams/:teamId/policy", action("team.policy.update", ctx), describe("The team's security policy: MFA, inactivity timeout, SSO", ["teams"], { 200: { description: "Team", schema: Team } }, TEAM_ERRORS), validate("param", TeamParam), validate("json", PolicyInput), (c) =>
      {
        const auth = c.get("auth");
        return c.json(updatePolicy(ctx, c.get("team"), c.req.valid("json"), auth?.kind === "session" ? auth.session : undefined));
      },
    )
    .get("/api/v1/teams/:teamId/members", action("members.read", ctx), describe("Members and their roles", ["teams"], { 200: { description: "Members", schema: v.object({ members: v.array(Member) }) } }, TEAM_ERRORS), validate("param", TeamParam), (c) =>
      c.json({ members: members(ctx, c.get("team")) }),
    )
    .patch("/api/v1/teams/:teamId/members/:userId", action("members.manage", ctx), describe("Change a member's role (a team keeps at least one owner)", ["teams"], { 200: { description: "Changed", schema: Ok } }, [...TEAM_ERRORS, 409]), validate("param", MemberParam), validate("json", RoleInput), (c) => {
      changeRole(ctx, c.get("team"), c.req.valid("param").userId, c.req.valid("json").role);
      return c.json({ ok: true as const });
    })
    .delete("/api/v1/teams/:teamId/members/:userId", action("members.manage", ctx), describe("Remove a member (their next request to this team gets 404)", ["teams"], { 200: { description: "Removed", schema: Ok } }, [...TEAM_ERRORS, 409]), validate("param", MemberParam), (c) => {
      removeMember(ctx, c.get("team"), c.req.valid("param").userId);
      return c.json({ ok: true as const });
    })
    .get("/api/v1/teams/:teamId/invitations", action("invitations.manage", ctx), describe("Invitations of the team", ["teams"], { 200: { description: "Invitations", schema: v.object({ invitations: v.array(Invitation) }) } }, TEAM_ERRORS), validate("param", TeamParam), (c) =>
      c.json({ invitations: listTeamInvitations(ctx, c.get("team")) }),
    )
    .post(
      "/api/v1/teams/:teamId/invitations",
      action("invitations.manage", ctx),
      describe("Invite by email with a role: a one-time link, 7 days (emailed with SMTP, else returned once)", ["teams"], { 201: { description: "Invited", schema: v.object({ invitation: Invitation, url: v.nullable(v.string()), emailed: v.boolean() }) } }, TEAM_ERRORS),
      validate("param", TeamParam),
      validate("json", InvitationInput),
      (c) => c.json(inviteMember(ctx, c.get("team"), c.req.valid("json")), 201),
    )
    .delete("/api/v1/teams/:teamId/invitations/:invitationId", action("invitations.manage", ctx), describe("Revoke a pending invitation", ["teams"], { 200: { description: "Revoked", schema: Ok } }, TEAM_ERRORS), validate("param", InvitationParam), (c) => {
      revokeTeamInvitation(ctx, c.get("team"), c.req.valid("param").invitationId);
      return c.json({ ok: true as const });
    })
    .post("/api/v1/invitations/accept", action("self"), describe("Accept an invitation (signed in with the invited address)", ["teams"], { 200: { description: "Joined", schema: v.object({ teamId: v.string(), role: v.string() }) } }, [400, 401, 403, 409]), validate("json", InvitationAcceptInput), (c) => {
      const { user } = sessionOf(c);
      return c.json(acceptInvitation(ctx, user, c.req.valid("json").token));
    })
    .post(
      "/api/v1/invitations/register",
      action("public"),
      describe("Create the account of an invited address and join the team; then sign in", ["teams"], { 201: { description: "Account created and joined", schema: v.object({ teamId: v.string(), role: v.string() }) } }, [400, 409, 429]),
      ipRateLimit(deps.ipLimiter),
      validate("json", InvitationRegisterInput),
      async (c) => c.json(await registerWithInvitation(ctx, c.req.valid("json")), 201),
    )
    .get("/api/v1/teams/:teamId/support-access", action("support.manage", ctx), describe("Whether the instance admin may read this team now", ["teams"], { 200: { description: "State", schema: Support } }, TEAM_ERRORS), validate("param", TeamParam), (c) =>
      c.json(supportAccessOf(ctx, c.get("team"))),
    )
    .post("/api/v1/teams/:teamId/support-access", action("support.manage", ctx), describe("Let the instance admin read this team's feedback for some hours (default 24)", ["teams"], { 200: { description: "Granted", schema: Support } }, TEAM_ERRORS), validate("param", TeamParam), validate("json", SupportAccessInput), (c) =>
      c.json(grantSupportAccess(ctx, c.get("team"), c.req.valid("json").hours)),
    )
    .delete("/api/v1/teams/:teamId/support-access", action("support.manage", ctx), describe("End support access now", ["teams"], { 200: { description: "Ended", schema: Support } }, TEAM_ERRORS), validate("param", TeamParam), (c) => c.json(endSupportAccess(ctx, c.get("team"))))
    .get(
      "/api/v1/teams/:teamId/audit",
      action("audit.read", ctx),
      describe("The team's audit trail, newest first; ?format=csv exports CSV (formula-safe cells)", ["teams"], { 200: { description: "Entries", schema: v.object({ entries: v.array(AuditEntrySchema) }) } }, TEAM_ERRORS),
      validate("param", TeamParam),
      validate("query", AuditExportQuery),
      (c) => {
        const q = c.req.valid("query");
        const entries = listAudit(ctx, { teamId: c.get("team").team.id, limit: Math.min(Number(q.limit ?? 1000), 5000), ...(q.before ? { beforeSeq: Number(q.before) } : {}) });
        if (q.format === "csv") {
          const csv = toCsv(["seq", "at", "actorId", "action", "targetId", "teamId"], entries.map((e) => [e.seq, e.at, e.actorId, e.action, e.targetId, e.teamId]));
          return c.body(csv, 200, { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="audit.csv"' });
        }
        return c.json({ entries });
      },
    )
    .get("/api/v1/teams/:teamId/tokens", action("tokens.manage", ctx), describe("The team's API tokens (never their secrets)", ["teams"], { 200: { description: "Tokens", schema: v.object({ tokens: v.array(TeamToken) }) } }, TEAM_ERRORS), validate("param", TeamParam), (c) =>
      c.json({ tokens: listTeamTokens(ctx, c.get("team").team.id) }),
    )
    .post(
      "/api/v1/teams/:teamId/tokens",
      action("tokens.manage", ctx),
      describe("Create a team API token (re-authentication first): only this team, at most the given role; shown once", ["teams"], { 201: { description: "Created", schema: v.object({ token: v.string(), apiToken: TeamToken }) } }, TEAM_ERRORS),
      validate("param", TeamParam),
      validate("json", TeamTokenInput),
      (c) => {
        const { user } = recentSessionOf(c, ctx);
        return c.json(createTeamApiToken(ctx, { teamId: c.get("team").team.id, creatorId: user.id, ...c.req.valid("json") }), 201);
      },
    )
    .delete("/api/v1/teams/:teamId/tokens/:tokenId", action("tokens.manage", ctx), describe("Revoke a team API token", ["teams"], { 200: { description: "Revoked", schema: Ok } }, TEAM_ERRORS), validate("param", TokenParam), (c) => {
      revokeTeamToken(ctx, c.get("team").team.id, c.get("team").userId, c.req.valid("param").tokenId);
      return c.json({ ok: true as const });
    })
    .get("/api/v1/teams/:teamId/export", action("data.export", ctx), describe("Export everything of the team as JSON (re-authentication first; recorded in the trail)", ["teams"], { 200: { description: "The export" } }, TEAM_ERRORS), validate("param", TeamParam), (c) => {
      recentSessionOf(c, ctx);
      return c.body(JSON.stringify(exportTeam(ctx, c.get("team"))), 200, {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Disposition": 'attachment; filename="loupe-team-export.json"',
      });
    })
    .delete("/api/v1/me", action("self"), describe("Delete my account (re-authentication first; not while I am a team's only owner)", ["me"], { 200: { description: "Deleted", schema: Ok } }, [401, 403, 409]), (c) => {
      const { user } = recentSessionOf(c, ctx);
      deleteOwnAccount(ctx, user.id);
      return c.json({ ok: true as const });
    });
}
