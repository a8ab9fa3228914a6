import type { TeamAuditEntry } from "../../shared/audit.ts";
import { type AuditRow, listTeamAuditEntries, type TeamAuditFilter } from "../../store/audit.ts";
import { listLabels, listProjects } from "../../store/projects.ts";
import { listInvitations, listMembers } from "../../store/teams.ts";
import { listTeamApiTokens } from "../../store/tokens.ts";
import { appendAudit } from "../audit/audit.ts";
import type { ServiceContext } from "../context.ts";
import type { TeamAccess } from "./access.ts";

/**
 * A team's audit trail for its owners: filtered (actor, action or action group, time range), paged by
 * sequence number, newest first, with names resolved from what the owners can read anyway — current
 * members, the team's labels, projects, tokens and invited addresses. A former member stays an id.
 */
export type TeamAuditFilters = { actor?: string; action?: string; from?: string; to?: string };

function toFilter(teamId: string, filters: TeamAuditFilters, beforeSeq?: number): TeamAuditFilter {
  return {
    teamId,
    ...(filters.actor ? { actorId: filters.actor } : {}),
    // A bare group name (`member`) means every action of the group.
    ...(filters.action ? { action: filters.action.includes(".") ? filters.action : `${filters.action}.` } : {}),
    ...(filters.from ? { fromAt: Date.parse(filters.from) } : {}),
    ...(filters.to ? { toAt: Date.parse(filters.to) } : {}),
    ...(beforeSeq !== undefined ? { beforeSeq } : {}),
  };
}

type Names = { people: Map<string, { name: string; email: string }>; things: Map<string, string> };

function teamNames(ctx: ServiceContext, access: TeamAccess): Names {
  const teamId = access.team.id;
  const people = new Map(listMembers(ctx.db, teamId).map((m) => [m.user_id, { name: m.display_name, email: m.email }]));
  const things = new Map<string, string>([[teamId, access.team.name]]);
  for (const l of listLabels(ctx.db, teamId)) things.set(l.id, l.name);
  for (const p of listProjects(ctx.db, teamId)) things.set(p.id, p.name);
  for (const t of listTeamApiTokens(ctx.db, teamId)) things.set(t.id, t.name);
  for (const i of listInvitations(ctx.db, teamId)) things.set(i.id, i.email);
  for (const [id, person] of people) things.set(id, person.name);
  return { people, things };
}

function toEntry(row: AuditRow, names: Names): TeamAuditEntry {
  const actor = row.actor_id === null ? undefined : names.people.get(row.actor_id);
  return {
    seq: row.seq,
    at: new Date(row.at).toISOString(),
    actorId: row.actor_id,
    action: row.action,
    targetId: row.target_id,
    teamId: row.team_id,
    actorName: actor?.name ?? null,
    actorEmail: actor?.email ?? null,
    targetName: row.target_id === null ? null : (names.things.get(row.target_id) ?? null),
  };
}

/** One page of the team's trail; `nextBefore` continues it. */
export function listTeamAudit(
  ctx: ServiceContext,
  input: { access: TeamAccess; filters: TeamAuditFilters; beforeSeq?: number; limit: number },
): { entries: TeamAuditEntry[]; nextBefore: string | null } {
  const { access, filters, beforeSeq, limit } = input;
  // One row more than asked tells whether another page exists.
  const rows = listTeamAuditEntries(ctx.db, toFilter(access.team.id, filters, beforeSeq), limit + 1);
  const names = teamNames(ctx, access);
  const entries = rows.slice(0, limit).map((row) => toEntry(row, names));
  return { entries, nextBefore: rows.length > limit ? String(entries.at(-1)!.seq) : null };
}

/**
 * The whole filtered trail for an export, a page at a time (the caller streams each page out, so a
 * long trail is never one string in memory). The export itself is recorded first.
 */
export function* exportTeamAudit(
  ctx: ServiceContext,
  input: { access: TeamAccess; filters: TeamAuditFilters; pageSize?: number },
): Generator<TeamAuditEntry[], void, undefined> {
  const { access, filters } = input;
  const pageSize = input.pageSize ?? 500;
  const names = teamNames(ctx, access);
  let before: number | undefined;
  for (;;) {
    const rows = listTeamAuditEntries(ctx.db, toFilter(access.team.id, filters, before), pageSize);
    if (rows.length === 0) return;
    yield rows.map((row) => toEntry(row, names));
    if (rows.length < pageSize) return;
    before = rows.at(-1)!.seq;
  }
}

/** Records that an owner exported the trail (before the first entry is sent). */
export function recordAuditExport(ctx: ServiceContext, access: TeamAccess): void {
  ctx.db.write(() =>
    appendAudit(ctx, {
      action: "audit.exported",
      actorId: access.userId,
      targetId: access.team.id,
      teamId: access.team.id,
    }),
  );
}
