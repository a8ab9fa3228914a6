import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import * as v from "valibot";
import type { AppEnv } from "../../http/app-env.ts";
import { action } from "../../http/authorize.ts";
import { describeRoute, jsonContent, problemContent } from "../../http/openapi.ts";
import { describe } from "../../http/respond.ts";
import { resolver } from "hono-openapi";
import { validate } from "../../http/validation.ts";
import { AppError } from "../../lib/app-error.ts";
import { bodyLimits } from "../../lib/body-limits.ts";
import type { ServiceContext } from "../../services/context.ts";
import {
  addNote,
  createFeedback,
  getFeedback,
  listTeamFeedback,
  notesOf,
  restoreFeedback,
  screenshotOf,
  searchTeamFeedback,
  trashFeedback,
  updateTeamFeedback,
} from "../../services/feedback/feedback.ts";
import { FeedbackCreateInput, FeedbackListQuery, FeedbackUpdateInput, NoteInput, SearchQuery } from "../../shared/feedback.ts";
import { IdSchema } from "../../shared/teams.ts";

const Item = v.object({
  id: v.string(),
  projectId: v.string(),
  title: v.nullable(v.string()),
  comment: v.string(),
  rating: v.nullable(v.object({ scale: v.string(), value: v.number() })),
  reporter: v.object({ userId: v.nullable(v.string()), anonymousId: v.nullable(v.string()), email: v.nullable(v.string()) }),
  pageUrl: v.nullable(v.string()),
  metadata: v.record(v.string(), v.unknown()),
  customData: v.record(v.string(), v.unknown()),
  status: v.string(),
  assigneeId: v.nullable(v.string()),
  labelIds: v.array(v.string()),
  hasScreenshot: v.boolean(),
  version: v.number(),
  createdAt: v.string(),
  updatedAt: v.string(),
  deletedAt: v.nullable(v.string()),
  screenshot: v.optional(
    v.nullable(v.object({ contentType: v.string(), width: v.number(), height: v.number(), size: v.number(), annotations: v.array(v.unknown()) })),
  ),
});
const Note = v.object({ id: v.string(), authorId: v.nullable(v.string()), body: v.string(), createdAt: v.string() });
const Ok = v.object({ ok: v.literal(true) });
const TeamParam = v.strictObject({ teamId: IdSchema });
const ItemParam = v.strictObject({ teamId: IdSchema, itemId: IdSchema });
const ERRORS = [400, 401, 403, 404];

function invalid(field: string, message: string): AppError {
  return new AppError("VALIDATION_FAILED", "Some fields are invalid; see errors.", { status: 400, fields: [{ field, message }] });
}

/** The expected version from If-Match (`"v3"`, `W/"v3"` or `3`); 428 when it is missing. */
function expectedVersion(header: string | undefined): number {
  if (header === undefined) throw new AppError("PRECONDITION_REQUIRED", "Send If-Match with the item's ETag: updates must not overwrite changes you have not seen.", { status: 428 });
  const match = /^(?:W\/)?"?v?(\d{1,9})"?$/.exec(header.trim());
  if (!match) throw new AppError("VERSION_CONFLICT", "If-Match does not name a version of this item.", { status: 412 });
  return Number(match[1]);
}

/** Feedback items: create (JSON, or multipart with a `screenshot` part), list, search, triage, trash, notes, screenshot. */
export function feedbackRoutes(deps: { ctx: ServiceContext; screenshotMaxBytes: number }) {
  const { ctx } = deps;
  const limit = bodyLimit({
    maxSize: bodyLimits(deps.screenshotMaxBytes).feedbackRequest,
    onError: () => {
      throw new AppError("PAYLOAD_TOO_LARGE", "The request is larger than allowed.", { status: 413, fields: [{ field: "screenshot", message: `At most ${deps.screenshotMaxBytes} bytes.` }] });
    },
  });
  const itemHeaders = (version: number) => ({ ETag: `"v${version}"` });
  return new Hono<AppEnv>()
    .get(
      "/api/v1/teams/:teamId/feedback",
      action("feedback.read", ctx),
      describe("Feedback items, newest first (a reporter sees only their own); filters and cursor pagination", ["feedback"], { 200: { description: "A page", schema: v.object({ items: v.array(Item), nextCursor: v.nullable(v.string()) }) } }, ERRORS),
      validate("param", TeamParam),
      validate("query", FeedbackListQuery),
      (c) => {
        const q = c.req.valid("query");
        return c.json(listTeamFeedback(ctx, c.get("team"), { ...q, trash: q.trash === "1" }));
      },
    )
    .post(
      "/api/v1/teams/:teamId/feedback",
      action("feedback.create", ctx),
      describeRoute({
        summary: "Submit feedback: JSON, or multipart/form-data with a `payload` JSON part and an optional `screenshot` part (PNG, JPEG or WebP)",
        tags: ["feedback"],
        requestBody: {
          required: true,
          content: {
            "application/json": { schema: resolver(FeedbackCreateInput) },
            "multipart/form-data": {
              schema: {
                type: "object",
                required: ["payload"],
                properties: {
                  payload: { type: "string", description: "The same JSON object as the application/json body" },
                  screenshot: { type: "string", format: "binary", description: "PNG, JPEG or WebP, at most LOUPE_SCREENSHOT_MAX_BYTES" },
                },
              },
            },
          },
        },
        responses: {
          201: { description: "Created", content: jsonContent(Item) },
          ...Object.fromEntries([...ERRORS, 413, 415].map((s) => [s, { description: "Error (problem+json)", content: problemContent }])),
        },
      }),
      validate("param", TeamParam),
      limit,
      async (c) => {
        const access = c.get("team");
        const type = c.req.header("Content-Type") ?? "";
        let payload: unknown;
        let screenshot: Uint8Array | undefined;
        if (type.startsWith("multipart/form-data")) {
          const form = await c.req.formData().catch(() => {
            throw invalid("body", "Expected multipart/form-data.");
          });
          const raw = form.get("payload");
          if (typeof raw !== "string") throw invalid("payload", "Expected a JSON part named payload.");
          try {
            payload = JSON.parse(raw);
          } catch {
            throw invalid("payload", "Expected JSON.");
          }
          const file = form.get("screenshot");
          if (file !== null) {
            if (typeof file === "string") throw invalid("screenshot", "Expected a file part.");
            screenshot = new Uint8Array(await file.arrayBuffer());
          }
        } else {
          payload = await c.req.json().catch(() => {
            throw invalid("body", "Expected JSON.");
          });
        }
        const parsed = v.safeParse(FeedbackCreateInput, payload);
        if (!parsed.success) {
          throw new AppError("VALIDATION_FAILED", "Some fields are invalid; see errors.", {
            status: 400,
            fields: parsed.issues.map((i) => ({ field: (i.path ?? []).map((p) => String(p.key)).join(".") || "payload", message: i.message })),
          });
        }
        const id = createFeedback(ctx, {
          teamId: access.team.id,
          reporter: { userId: access.userId, anonymousId: null },
          data: parsed.output,
          ...(screenshot ? { screenshot: { bytes: screenshot, maxBytes: deps.screenshotMaxBytes } } : {}),
        });
        const item = getFeedback(ctx, access, id);
        return c.json(item, 201, itemHeaders(item.version));
      },
    )
    .get(
      "/api/v1/teams/:teamId/feedback/search",
      action("feedback.read", ctx),
      describe("Full-text search (title, comment, messages; internal comments for members and owners)", ["feedback"], { 200: { description: "Matches", schema: v.object({ items: v.array(Item) }) } }, ERRORS),
      validate("param", TeamParam),
      validate("query", SearchQuery),
      (c) => {
        const q = c.req.valid("query");
        return c.json({ items: searchTeamFeedback(ctx, c.get("team"), q.q, q.limit) });
      },
    )
    .get("/api/v1/teams/:teamId/feedback/:itemId", action("feedback.read", ctx), describe("A feedback item (ETag = its version)", ["feedback"], { 200: { description: "Item", schema: Item } }, ERRORS), validate("param", ItemParam), (c) => {
      const item = getFeedback(ctx, c.get("team"), c.req.valid("param").itemId);
      return c.json(item, 200, itemHeaders(item.version));
    })
    .patch(
      "/api/v1/teams/:teamId/feedback/:itemId",
      action("feedback.triage", ctx),
      describe("Triage: status, assignee, labels — with If-Match (412 when stale, 428 when missing)", ["feedback"], { 200: { description: "Item", schema: Item } }, [...ERRORS, 412, 428]),
      validate("param", ItemParam),
      validate("json", FeedbackUpdateInput),
      (c) => {
        const item = updateTeamFeedback(ctx, c.get("team"), c.req.valid("param").itemId, expectedVersion(c.req.header("If-Match")), c.req.valid("json"));
        return c.json(item, 200, itemHeaders(item.version));
      },
    )
    .delete("/api/v1/teams/:teamId/feedback/:itemId", action("feedback.delete", ctx), describe("Move to the trash (restorable for 30 days, then purged)", ["feedback"], { 200: { description: "In the trash", schema: Ok } }, ERRORS), validate("param", ItemParam), (c) => {
      trashFeedback(ctx, c.get("team"), c.req.valid("param").itemId);
      return c.json({ ok: true as const });
    })
    .post("/api/v1/teams/:teamId/feedback/:itemId/restore", action("feedback.delete", ctx), describe("Restore from the trash", ["feedback"], { 200: { description: "Item", schema: Item } }, [...ERRORS, 409]), validate("param", ItemParam), (c) =>
      c.json(restoreFeedback(ctx, c.get("team"), c.req.valid("param").itemId)),
    )
    .get("/api/v1/teams/:teamId/feedback/:itemId/comments", action("comments.read", ctx), describe("Internal comments (members and owners only)", ["feedback"], { 200: { description: "Comments", schema: v.object({ comments: v.array(Note) }) } }, ERRORS), validate("param", ItemParam), (c) =>
      c.json({ comments: notesOf(ctx, c.get("team"), "comments", c.req.valid("param").itemId) }),
    )
    .post("/api/v1/teams/:teamId/feedback/:itemId/comments", action("comments.write", ctx), describe("Add an internal comment", ["feedback"], { 201: { description: "Added", schema: Note } }, ERRORS), validate("param", ItemParam), validate("json", NoteInput), (c) =>
      c.json(addNote(ctx, c.get("team"), "comments", c.req.valid("param").itemId, c.req.valid("json").body), 201),
    )
    .get("/api/v1/teams/:teamId/feedback/:itemId/messages", action("messages.read", ctx), describe("The thread with the reporter", ["feedback"], { 200: { description: "Messages", schema: v.object({ messages: v.array(Note) }) } }, ERRORS), validate("param", ItemParam), (c) =>
      c.json({ messages: notesOf(ctx, c.get("team"), "messages", c.req.valid("param").itemId) }),
    )
    .post("/api/v1/teams/:teamId/feedback/:itemId/messages", action("messages.write", ctx), describe("Write to the thread with the reporter", ["feedback"], { 201: { description: "Added", schema: Note } }, ERRORS), validate("param", ItemParam), validate("json", NoteInput), (c) =>
      c.json(addNote(ctx, c.get("team"), "messages", c.req.valid("param").itemId, c.req.valid("json").body), 201),
    )
    .get(
      "/api/v1/teams/:teamId/feedback/:itemId/screenshot",
      action("feedback.read", ctx),
      describe("The screenshot bytes (server-chosen type, sandboxed, as an attachment); its annotations are in the item's `screenshot` field", ["feedback"], { 200: { description: "Image" } }, ERRORS),
      validate("param", ItemParam),
      (c) => {
        const shot = screenshotOf(ctx, c.get("team"), c.req.valid("param").itemId);
        const extension = shot.contentType.split("/")[1];
        return c.body(new Uint8Array(shot.bytes), 200, {
          "Content-Type": shot.contentType,
          "X-Content-Type-Options": "nosniff",
          "Content-Security-Policy": "default-src 'none'; sandbox",
          "Content-Disposition": `attachment; filename="screenshot.${extension}"`,
          "Cache-Control": "private, no-store",
          "Cross-Origin-Resource-Policy": "same-origin",
        });
      },
    );
}
