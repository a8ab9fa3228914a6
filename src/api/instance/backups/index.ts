import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../../../http/app-env.ts";
import type { routeActions } from "../../../http/authorize.ts";
import { describe } from "../../../http/respond.ts";
import { validate } from "../../../http/validation.ts";
import { AppError } from "../../../lib/app-error.ts";
import type { BackupManager } from "../../../services/backup/manager.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { BackupJobSchema, BackupListSchema, BackupNameSchema } from "../../../shared/backups.ts";

const NameParam = v.strictObject({ name: BackupNameSchema });
const JobParam = v.strictObject({ jobId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16}$/)) });
const ERRORS = [401, 403, 404, 409, 503, 507];

/**
 * /api/v1/instance/backups: the instance admins' backups — list them (time, size, drill result), run
 * one now and verify one (jobs answered 202, polled at /jobs/:id), and download one (re-authentication
 * first; recorded in the trail). Restores are the command line's (`loupe backup restore`, server stopped).
 */
export function instanceBackupRoutes(deps: {
  ctx: ServiceContext;
  action: ReturnType<typeof routeActions>;
  backups: BackupManager | undefined;
}) {
  const { action } = deps;
  const manager = (): BackupManager => {
    if (!deps.backups) throw new AppError("SERVICE_UNAVAILABLE", "Backups are not set up in this process.");
    return deps.backups;
  };
  const pad = (n: number) => String(n).padStart(2, "0");
  return new Hono<AppEnv>()
    .get(
      "/",
      action("instance.admin"),
      describe(
        "The backups, newest first, with their drill results and the last attempt's state",
        ["instance"],
        {
          200: { description: "Backups", schema: BackupListSchema },
        },
        ERRORS,
      ),
      (c) => {
        const m = manager();
        const s = m.settings;
        return c.json({
          backups: m.list(),
          status: m.status() ?? null,
          schedule: {
            time: `${pad(s.hour)}:${pad(s.minute)}`,
            mirror: s.mirrorDir !== undefined,
            recipients: s.recipients.length,
          },
        });
      },
    )
    .post(
      "/",
      action("instance.admin"),
      describe(
        "Run a backup now (snapshot, encrypt, restore drill, rotation); poll the job. 409 while one runs, 507 without the free space",
        ["instance"],
        { 202: { description: "The job", schema: BackupJobSchema } },
        ERRORS,
      ),
      (c) => {
        const job = manager().startBackupJob(c.var.caller.user.id);
        c.header("Location", `/api/v1/instance/backups/jobs/${job.id}`);
        return c.json(job, 202);
      },
    )
    .get(
      "/jobs/:jobId",
      action("instance.admin"),
      describe(
        "A backup or verification job: running, succeeded or failed (with the reason)",
        ["instance"],
        {
          200: { description: "The job", schema: BackupJobSchema },
        },
        ERRORS,
      ),
      validate("param", JobParam),
      (c) => c.json(manager().job(c.req.valid("param").jobId)),
    )
    .post(
      "/:name/verify",
      action("instance.admin"),
      describe(
        "Run the restore drill on a backup again (decrypt, integrity, schema, row counts and hashes, audit chain); poll the job",
        ["instance"],
        { 202: { description: "The job", schema: BackupJobSchema } },
        ERRORS,
      ),
      validate("param", NameParam),
      (c) => {
        const job = manager().startVerifyJob(c.req.valid("param").name, c.var.caller.user.id);
        c.header("Location", `/api/v1/instance/backups/jobs/${job.id}`);
        return c.json(job, 202);
      },
    )
    .post(
      "/:name/download",
      action("instance.admin", { recent: true }),
      describe(
        "Prepare a download: confirms a recent sign-in (re-authentication) and gives the file's URL",
        ["instance"],
        { 200: { description: "Where to fetch it", schema: v.object({ href: v.string() }) } },
        ERRORS,
      ),
      validate("param", NameParam),
      (c) => {
        const name = c.req.valid("param").name;
        if (
          !manager()
            .list()
            .some((b) => b.name === name)
        )
          throw new AppError("NOT_FOUND", "No such backup.");
        return c.json({ href: `/api/v1/instance/backups/${name}/download` });
      },
    )
    .get(
      "/:name/download",
      action("instance.admin", { recent: true }),
      describe(
        "Download a backup file (an age file; re-authentication first; recorded in the trail)",
        ["instance"],
        { 200: { description: "The age file, as an attachment" } },
        ERRORS,
      ),
      validate("param", NameParam),
      (c) => {
        const name = c.req.valid("param").name;
        const file = manager().download(name, c.var.caller.user.id);
        return c.body(Bun.file(file.path).stream(), 200, {
          "Content-Type": "application/octet-stream",
          "Content-Length": String(file.bytes),
          "Content-Disposition": `attachment; filename="${name}"`,
        });
      },
    );
}
