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
    /** The socket peer's address, set by main.ts; read only through `clientAddress`. Never logged or stored. */
    clientIp?: string;
  };
  Variables: {
    requestId: string;
    logger: Logger;
    /** The client's address (src/http/client-address.ts): the peer, or behind a trusted proxy the client it names. Never logged or stored. */
    clientAddress: string;
    /** The scheme the client used: from a trusted proxy's headers, else the request URL's. */
    clientProto: "http" | "https";
    auth: Auth | undefined;
    /** Set by a team action: the caller's live access to the route's team. */
    team: TeamAccess;
  };
};
