import type { Logger } from "../lib/logger.ts";

/** The Hono environment shared by every route: typed per-request variables. */
export type AppEnv = {
  Variables: {
    requestId: string;
    logger: Logger;
  };
};
