import type { Logger } from "../lib/logger.ts";
import type { CheckedSession } from "../services/accounts/sessions.ts";
import type { Account } from "../services/accounts/users.ts";
import type { TeamAccess } from "../services/teams/access.ts";
import type { ErrorCode } from "../shared/errors.ts";

/** Who is calling: a browser session (cookie) or an API token (Authorization: Bearer). */
export type Auth =
  /** `user` is loaded from the database on first use. */
  | {
      kind: "session";
      readonly user: Account;
      session: CheckedSession;
      /** When the session cookie this request carried expires (ms): the live-update stream ends there. */
      tokenExpiresAt: number;
    }
  | {
      kind: "token";
      user: Account;
      tokenId: string;
      scope: "read" | "write";
      team?: { id: string; role: "member" | "reporter" };
    };

/** A signed-in browser session. */
export type SessionAuth = Extract<Auth, { kind: "session" }>;

/** The Hono environment shared by every route: typed per-request variables and bindings. */
export type AppEnv = {
  Bindings: {
    /** The socket peer's address, set by main.ts; read only through `clientAddress`. Never logged or stored. */
    clientIp?: string;
    /**
     * Lets this response outlive the server's idle timeout (main.ts: Bun's `server.timeout(request, 0)`),
     * for the live-update stream once accepted: Bun counts a streamed body's writes as no activity.
     */
    disableIdleTimeout?: () => void;
    /**
     * Gives this request at least `seconds` for its body to arrive (Bun's `server.timeout(request, …)`:
     * Bun does not restart the idle timeout for body bytes, so a screenshot on a slow link needs
     * longer); the returned function puts the idle timeout back (Bun keeps a request's timeout on the
     * keep-alive connection after the answer).
     */
    allowSlowBody?: (seconds: number) => () => void;
  };
  Variables: {
    requestId: string;
    logger: Logger;
    /** The client's address (src/http/client-address.ts): the peer, or behind a trusted proxy the client it names. Never logged or stored. */
    clientAddress: string;
    /** The scheme the client used: from a trusted proxy's headers, else the request URL's. */
    clientProto: "http" | "https";
    auth: Auth | undefined;
    /** The code of the problem this request was answered with (src/http/problem.ts), for the metrics. */
    problemCode: ErrorCode | undefined;
  };
};

/** What a route's action adds to the context (src/http/authorize.ts): exactly where it ran. */
export type SessionEnv = { Variables: { caller: SessionAuth } };
export type CallerEnv = { Variables: { caller: Auth } };
export type TeamEnv = { Variables: { caller: Auth; team: TeamAccess } };
