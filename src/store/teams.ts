import type { Db } from "./database.ts";

export type TeamRow = {
  id: string;
  name: string;
  mfa_required: number;
  session_idle_minutes: number | null;
  sso_required: number;
  sso_provider_ids: string;
  idp_mfa_accepted: number;
  created_at: number;
  updated_at: number;
};
export type MembershipRow = {
  team_id: string;
  user_id: string;
  role: "owner" | "member" | "reporter";
  created_at: number;
};

const TEAM_COLUMNS =
  "id, name, mfa_required, session_idle_minutes, sso_required, sso_provider_ids, idp_mfa_accepted, created_at, updated_at";

export function insertTeam(db: Db, t: { id: string; name: string; now: number }): void {
  db.run("INSERT INTO teams (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)", t.id, t.name, t.now, t.now);
}

export function findTeam(db: Db, id: string): TeamRow | undefined {
  return db.get<TeamRow>(`SELECT ${TEAM_COLUMNS} FROM teams WHERE id = ?`, id);
}

export function renameTeam(db: Db, id: string, name: string, now: number): void {
  db.run("UPDATE teams SET name = ?, updated_at = ? WHERE id = ?", name, now, id);
}

export function updateTeamPolicy(
  db: Db,
  id: string,
  p: {
    mfaRequired: boolean;
    sessionIdleMinutes: number | null;
    ssoRequired: boolean;
    ssoProviderIds: string[];
    idpMfaAccepted: boolean;
  },
  now: number,
): void {
  db.run(
    "UPDATE teams SET mfa_required = ?, session_idle_minutes = ?, sso_required = ?, sso_provider_ids = ?, idp_mfa_accepted = ?, updated_at = ? WHERE id = ?",
    p.mfaRequired ? 1 : 0,
    p.sessionIdleMinutes,
    p.ssoRequired ? 1 : 0,
    JSON.stringify(p.ssoProviderIds),
    p.idpMfaAccepted ? 1 : 0,
    now,
    id,
  );
}

/** Deletes the team; every team-owned row goes with it (foreign keys, and the search index here). */
export function deleteTeam(db: Db, id: string): void {
  db.run("DELETE FROM feedback_search WHERE team_id = ?", id);
  db.run("DELETE FROM teams WHERE id = ?", id);
}

export function listTeamsOfUser(db: Db, userId: string): (TeamRow & { role: MembershipRow["role"] })[] {
  return db.all<TeamRow & { role: MembershipRow["role"] }>(
    `SELECT ${TEAM_COLUMNS.split(", ")
      .map((c) => `t.${c}`)
      .join(
        ", ",
      )}, m.role FROM teams t JOIN memberships m ON m.team_id = t.id WHERE m.user_id = ? ORDER BY t.name, t.id`,
    userId,
  );
}

export function findMembership(db: Db, teamId: string, userId: string): MembershipRow | undefined {
  return db.get<MembershipRow>(
    "SELECT team_id, user_id, role, created_at FROM memberships WHERE team_id = ? AND user_id = ?",
    teamId,
    userId,
  );
}

export function insertMembership(db: Db, m: MembershipRow): void {
  db.run(
    "INSERT INTO memberships (team_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
    m.team_id,
    m.user_id,
    m.role,
    m.created_at,
  );
}

export function setRole(db: Db, teamId: string, userId: string, role: MembershipRow["role"]): number {
  return db.run("UPDATE memberships SET role = ? WHERE team_id = ? AND user_id = ?", role, teamId, userId).changes;
}

export function deleteMembership(db: Db, teamId: string, userId: string): number {
  return db.run("DELETE FROM memberships WHERE team_id = ? AND user_id = ?", teamId, userId).changes;
}

export function countOwners(db: Db, teamId: string): number {
  return Number(
    db.get<{ n: number }>("SELECT count(*) AS n FROM memberships WHERE team_id = ? AND role = 'owner'", teamId)?.n ?? 0,
  );
}

/** Teams where the user is the only owner (they cannot delete their account while any exist). */
export function teamsSolelyOwnedBy(db: Db, userId: string): string[] {
  return db
    .all<{ team_id: string }>(
      `SELECT m.team_id FROM memberships m WHERE m.user_id = ? AND m.role = 'owner'
         AND (SELECT count(*) FROM memberships o WHERE o.team_id = m.team_id AND o.role = 'owner') = 1`,
      userId,
    )
    .map((r) => r.team_id);
}

export type MemberRow = {
  user_id: string;
  display_name: string;
  email: string;
  role: MembershipRow["role"];
  created_at: number;
};

export function listMembers(db: Db, teamId: string): MemberRow[] {
  return db.all<MemberRow>(
    "SELECT m.user_id, u.display_name, u.email, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.team_id = ? ORDER BY m.created_at, m.user_id",
    teamId,
  );
}

export type InvitationRow = {
  id: string;
  team_id: string;
  email: string;
  role: MembershipRow["role"];
  token_hash: string;
  created_by: string;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  accepted_by: string | null;
  revoked_at: number | null;
};
const INVITATION_COLUMNS =
  "id, team_id, email, role, token_hash, created_by, created_at, expires_at, accepted_at, accepted_by, revoked_at";

export function insertInvitation(db: Db, i: Omit<InvitationRow, "accepted_at" | "accepted_by" | "revoked_at">): void {
  db.run(
    "INSERT INTO invitations (id, team_id, email, role, token_hash, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    i.id,
    i.team_id,
    i.email,
    i.role,
    i.token_hash,
    i.created_by,
    i.created_at,
    i.expires_at,
  );
}

export function listInvitations(db: Db, teamId: string): InvitationRow[] {
  return db.all<InvitationRow>(
    `SELECT ${INVITATION_COLUMNS} FROM invitations WHERE team_id = ? ORDER BY created_at DESC`,
    teamId,
  );
}

export function findInvitationByHash(db: Db, hash: string): InvitationRow | undefined {
  return db.get<InvitationRow>(`SELECT ${INVITATION_COLUMNS} FROM invitations WHERE token_hash = ?`, hash);
}

export function revokeInvitation(db: Db, teamId: string, id: string, now: number): number {
  return db.run(
    "UPDATE invitations SET revoked_at = ? WHERE team_id = ? AND id = ? AND accepted_at IS NULL AND revoked_at IS NULL",
    now,
    teamId,
    id,
  ).changes;
}

export function markInvitationAccepted(db: Db, id: string, userId: string, now: number): number {
  return db.run(
    "UPDATE invitations SET accepted_at = ?, accepted_by = ? WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?",
    now,
    userId,
    id,
    now,
  ).changes;
}

export type SupportAccessRow = {
  id: string;
  team_id: string;
  granted_by: string;
  granted_at: number;
  expires_at: number;
  revoked_at: number | null;
};

export function insertSupportAccess(db: Db, s: Omit<SupportAccessRow, "revoked_at">): void {
  db.run(
    "INSERT INTO support_access (id, team_id, granted_by, granted_at, expires_at) VALUES (?, ?, ?, ?, ?)",
    s.id,
    s.team_id,
    s.granted_by,
    s.granted_at,
    s.expires_at,
  );
}

export function activeSupportAccess(db: Db, teamId: string, now: number): SupportAccessRow | undefined {
  return db.get<SupportAccessRow>(
    "SELECT id, team_id, granted_by, granted_at, expires_at, revoked_at FROM support_access WHERE team_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY expires_at DESC LIMIT 1",
    teamId,
    now,
  );
}

export function revokeSupportAccess(db: Db, teamId: string, now: number): number {
  return db.run(
    "UPDATE support_access SET revoked_at = ? WHERE team_id = ? AND revoked_at IS NULL AND expires_at > ?",
    now,
    teamId,
    now,
  ).changes;
}

export function teamActivity(db: Db, sessionId: string, teamId: string): number | undefined {
  return db.get<{ last_seen_at: number }>(
    "SELECT last_seen_at FROM session_team_activity WHERE session_id = ? AND team_id = ?",
    sessionId,
    teamId,
  )?.last_seen_at;
}

export function touchTeamActivity(db: Db, sessionId: string, teamId: string, now: number): void {
  db.run(
    "INSERT INTO session_team_activity (session_id, team_id, last_seen_at) VALUES (?, ?, ?) ON CONFLICT (session_id, team_id) DO UPDATE SET last_seen_at = excluded.last_seen_at",
    sessionId,
    teamId,
    now,
  );
}

/** Deletes invitations that stopped being pending (accepted, revoked or expired) before `before`. */
export function deleteEndedInvitations(db: Db, before: number): number {
  return db.run("DELETE FROM invitations WHERE coalesce(accepted_at, revoked_at, expires_at) < ?", before).changes;
}
