import { Hono } from "hono";
import type { AppEnv } from "../../../http/app-env.ts";
import type { routeActions } from "../../../http/authorize.ts";
import { describe } from "../../../http/respond.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { instanceHealth } from "../../../services/system/instance-health.ts";
import type { ReadinessDeps } from "../../../services/system/readiness.ts";
import { InstanceHealthSchema } from "../../../shared/system.ts";

/**
 * /api/v1/instance/health: what the operator needs to see beside /readyz — its state with the reason
 * (200 even when not ready, so the page can say why), the version, the database's size and free disk
 * space. Instance admins only: version and sizes help an attacker, so they are never public.
 */
export function instanceHealthRoutes(deps: {
  ctx: ServiceContext;
  action: ReturnType<typeof routeActions>;
  migrations: ReadinessDeps["migrations"];
  version: string;
  backups?: ReadinessDeps["backups"] | undefined;
}) {
  const { ctx, action } = deps;
  return new Hono<AppEnv>().get(
    "/",
    action("instance.admin"),
    describe(
      "The instance's health: readiness with its reason, version, database size, disk space",
      ["instance"],
      { 200: { description: "Health", schema: InstanceHealthSchema } },
      [401, 403],
    ),
    (c) =>
      c.json(
        instanceHealth(ctx, {
          db: ctx.db,
          migrations: deps.migrations,
          dataDir: ctx.dataDir,
          version: deps.version,
          ...(deps.backups ? { backups: deps.backups } : {}),
        }),
      ),
  );
}
