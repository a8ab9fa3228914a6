/**
 * The one authorization table: which team roles may perform each action. Every route declares one
 * action (or `public`, `self`, `instance.admin`); the app refuses to start if a route declares none.
 * Row-level rules (a reporter sees only their own items) live in the services.
 */
export type Role = "owner" | "member" | "reporter";

export const TEAM_ACTIONS = {
  "team.read": ["owner", "member", "reporter"],
  "team.update": ["owner"],
  "team.delete": ["owner"],
  "team.policy.update": ["owner"],
  "members.read": ["owner", "member"],
  "members.manage": ["owner"],
  "invitations.manage": ["owner"],
  "projects.read": ["owner", "member", "reporter"],
  "projects.create": ["owner"],
  "projects.update": ["owner", "member"],
  "projects.delete": ["owner"],
  "projects.rotate_key": ["owner"],
  "labels.read": ["owner", "member"],
  "labels.manage": ["owner", "member"],
  "feedback.create": ["owner", "member", "reporter"],
  "feedback.read": ["owner", "member", "reporter"],
  "feedback.triage": ["owner", "member"],
  "feedback.delete": ["owner", "member"],
  /** An item's history names internal comments and assignees: never for its reporter. */
  "feedback.history": ["owner", "member"],
  "comments.read": ["owner", "member"],
  "comments.write": ["owner", "member"],
  "messages.read": ["owner", "member", "reporter"],
  "messages.write": ["owner", "member", "reporter"],
  "audit.read": ["owner"],
  "tokens.manage": ["owner"],
  "data.export": ["owner"],
  /** GDPR requests: finding and erasing what a data subject sent. */
  "privacy.find": ["owner"],
  "data.erase": ["owner"],
  "support.manage": ["owner"],
} as const satisfies Record<string, readonly Role[]>;

export type TeamAction = keyof typeof TEAM_ACTIONS;
export type RouteAction = TeamAction | "public" | "self" | "instance.admin";

/** Read-only actions an instance admin may take in a team while its owners grant support access. */
export const SUPPORT_READABLE: readonly TeamAction[] = [
  "team.read",
  "projects.read",
  "labels.read",
  "feedback.read",
  "feedback.history",
  "comments.read",
  "messages.read",
];

export function roleAllows(role: Role, action: TeamAction): boolean {
  return (TEAM_ACTIONS[action] as readonly Role[]).includes(role);
}

export function isTeamAction(action: RouteAction): action is TeamAction {
  return action in TEAM_ACTIONS;
}
