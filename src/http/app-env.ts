import type { Logger } from "../lib/logger.ts";
import type { CheckedSession } from "../services/accounts/sessions.ts";
import type { TeamAccess } from "../services/teams/access.ts";
import type { UserRow } from "../store/users.ts";

/** Who is calling: a browser session (cookie) or a personal API token (Authorization: Bearer). */
export type Auth =
  /** `user` is loaded from the database on first use. */
  | { kind: "session"; readonly user: UserRow; session: CheckedSession }
  | { kind: "token"; user: UserRow; tokenId: string; scope: "read" | "write"; team?: { id: string; role: "member" | "reporter" } };

/** The Hono environment shared by every route: typed per-request variables and bindings. */
export type AppEnv = {
  Bindings: {
    /** The peer address, set by main.ts from the socket; never logged or stored. */
    clientIp?: string;
  };
  Variables: {
    requestId: string;
    logger: Logger;
    auth: Auth | undefined;
    /** Set by a team action: the caller's live access to the route's team. */
    team: TeamAccess;
  };
};
