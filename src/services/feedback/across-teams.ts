import { AppError } from "../../lib/app-error.ts";
import type { PublicFeedback } from "../../shared/feedback.ts";
import type { FeedbackSort, ListedRow } from "../../store/feedback.ts";
import * as feedbackRows from "../../store/feedback.ts";
import { listTeamsOfUser } from "../../store/teams.ts";
import type { CheckedSession } from "../accounts/sessions.ts";
import type { Account } from "../accounts/users.ts";
import type { ServiceContext } from "../context.ts";
import { resolveTeamAccess, type TeamAccess } from "../teams/access.ts";
import {
  decodeOffset,
  decodePosition,
  encodeOffset,
  encodePosition,
  type ListOptions,
  MAX_SEARCH_OFFSET,
  pageLimit,
  positionOf,
  publicRows,
  reporterScope,
  searchTerms,
  teamFilter,
} from "./feedback.ts";

/** A team's policy this sign-in does not meet leaves the team out of the list (and says so). */
const POLICY_CODES = new Set(["TEAM_SESSION_IDLE", "MFA_ENROLMENT_REQUIRED", "SSO_REQUIRED", "NOT_FOUND"]);

export type AcrossPage = {
  items: PublicFeedback[];
  nextCursor: string | null;
  skippedTeams: { teamId: string; code: string }[];
};

/**
 * The caller's access to each team they are a member of, resolved as each team's own routes resolve
 * it (live membership and role, the team's MFA, SSO and inactivity policy). Support access is not
 * membership: an operator's "all teams" are the teams they belong to.
 */
function memberTeams(
  ctx: ServiceContext,
  caller: { user: Account; session: CheckedSession | undefined },
  trash: boolean,
): { teams: TeamAccess[]; skippedTeams: AcrossPage["skippedTeams"] } {
  const teams: TeamAccess[] = [];
  const skippedTeams: AcrossPage["skippedTeams"] = [];
  for (const team of listTeamsOfUser(ctx.db, caller.user.id)) {
    try {
      const access = resolveTeamAccess(ctx, {
        teamId: team.id,
        user: caller.user,
        session: caller.session,
        action: "feedback.read",
      });
      // The trash is for members and owners; a reporter's teams have none to show.
      if (!trash || reporterScope(access) === undefined) teams.push(access);
    } catch (error) {
      if (!(error instanceof AppError) || !POLICY_CODES.has(error.code)) throw error;
      skippedTeams.push({ teamId: team.id, code: error.code });
    }
  }
  return { teams, skippedTeams };
}

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
/** The SQL orders of src/store/feedback.ts, for merging the teams' pages. */
function compare(sort: FeedbackSort | "relevance", a: ListedRow, b: ListedRow): number {
  if (sort === "oldest") return a.created_at - b.created_at || byId(a.id, b.id);
  const newest = b.created_at - a.created_at || byId(b.id, a.id);
  if (sort === "newest") return newest;
  if (sort === "rating_desc") return b.sort_key - a.sort_key || newest;
  return a.sort_key - b.sort_key || newest;
}

function publicInOrder(ctx: ServiceContext, rows: ListedRow[]): PublicFeedback[] {
  const byTeam = new Map<string, ListedRow[]>();
  for (const row of rows) byTeam.set(row.team_id, [...(byTeam.get(row.team_id) ?? []), row]);
  const mapped = new Map<string, PublicFeedback>();
  for (const [teamId, teamRows] of byTeam)
    for (const item of publicRows(ctx, teamId, teamRows)) mapped.set(item.id, item);
  return rows.map((r) => mapped.get(r.id)!);
}

/**
 * One page of the feedback of every team the caller belongs to, each team's rules applied (a
 * reporter sees only their own items there): each team's next page in the asked order, merged.
 */
export function listFeedbackAcrossTeams(
  ctx: ServiceContext,
  input: { user: Account; session: CheckedSession | undefined; filters: ListOptions },
): AcrossPage {
  const { filters } = input;
  const limit = pageLimit(filters.limit);
  const sort = filters.sort ?? "newest";
  const after = filters.cursor ? decodePosition(filters.cursor, sort) : undefined;
  const { teams, skippedTeams } = memberTeams(ctx, input, filters.trash === true);
  const rows = teams
    .flatMap((access) =>
      feedbackRows.listFeedback(ctx.db, teamFilter(access, filters), { sort, after, limit: limit + 1 }),
    )
    .sort((a, b) => compare(sort, a, b))
    .slice(0, limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: publicInOrder(ctx, page),
    nextCursor: rows.length > limit && last ? encodePosition(sort, positionOf(last)) : null,
    skippedTeams,
  };
}

/** Full-text search across the caller's teams: each team's matches as its own search finds them, merged. */
export function searchFeedbackAcrossTeams(
  ctx: ServiceContext,
  input: {
    user: Account;
    session: CheckedSession | undefined;
    text: string;
    filters: Omit<ListOptions, "sort"> & { sort?: FeedbackSort | "relevance" | undefined };
  },
): AcrossPage {
  const { filters } = input;
  const limit = pageLimit(filters.limit);
  const sort = filters.sort ?? "relevance";
  const offset = filters.cursor ? decodeOffset(filters.cursor) : 0;
  const { teams, skippedTeams } = memberTeams(ctx, input, filters.trash === true);
  const match = searchTerms(input.text);
  if (match === undefined) return { items: [], nextCursor: null, skippedTeams };
  const rows = teams
    .flatMap((access) =>
      feedbackRows.searchFeedback(ctx.db, match, teamFilter(access, filters), {
        internal: reporterScope(access) === undefined,
        sort,
        offset: 0,
        limit: offset + limit + 1,
      }),
    )
    .sort((a, b) => compare(sort, a, b))
    .slice(offset, offset + limit + 1);
  return {
    items: publicInOrder(ctx, rows.slice(0, limit)),
    nextCursor: rows.length > limit && offset + limit <= MAX_SEARCH_OFFSET ? encodeOffset(offset + limit) : null,
    skippedTeams,
  };
}
