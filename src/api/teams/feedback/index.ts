import { Hono } from "hono";
import * as v from "valibot";
import type { AppEnv } from "../../../http/app-env.ts";
import type { routeActions } from "../../../http/authorize.ts";
import {
  feedbackSubmissionBody,
  feedbackSubmissionLimit,
  readFeedbackSubmission,
} from "../../../http/feedback-submission.ts";
import { describeRoute, jsonContent, problemContent } from "../../../http/openapi.ts";
import { describe, TEAM_ROUTE_ERRORS } from "../../../http/respond.ts";
import { parseOrThrow, validate } from "../../../http/validation.ts";
import { AppError } from "../../../lib/app-error.ts";
import type { ServiceContext } from "../../../services/context.ts";
import { bulkUpdateFeedback } from "../../../services/feedback/bulk.ts";
import {
  addItemMessage,
  addItemNote,
  createFeedback,
  getFeedback,
  getScreenshot,
  listFeedback,
  listItemHistory,
  listItemMessages,
  listItemNotes,
  restoreFeedback,
  searchFeedback,
  trashFeedback,
  triageFeedback,
} from "../../../services/feedback/feedback.ts";
import { IdSchema, OkSchema, TeamParam } from "../../../shared/common.ts";
import {
  FeedbackBulkInput,
  FeedbackBulkResultSchema,
  FeedbackCreateInput,
  FeedbackItemSchema,
  FeedbackListQuery,
  FeedbackPageSchema,
  FeedbackUpdateInput,
  HistoryPageSchema,
  HistoryQuery,
  MessageThreadSchema,
  NoteInput,
  NoteSchema,
  SearchQuery,
  SentMessageSchema,
} from "../../../shared/feedback.ts";

const ItemParam = v.strictObject({ teamId: IdSchema, itemId: IdSchema });

/** The expected version from If-Match (`"v3"`, `W/"v3"` or `3`); 428 when it is missing. */
function expectedVersion(header: string | undefined): number {
  if (header === undefined) throw new AppError("PRECONDITION_REQUIRED");
  const match = /^(?:W\/)?"?v?(\d{1,9})"?$/.exec(header.trim());
  if (!match) throw new AppError("VERSION_CONFLICT", "If-Match does not name a version of this item.");
  return Number(match[1]);
}

/** /api/v1/teams/:teamId/feedback: feedback items — create (JSON, or multipart with a `screenshot` part), list, search, triage, trash, notes, screenshot. */
export function feedbackRoutes(deps: {
  ctx: ServiceContext;
  action: ReturnType<typeof routeActions>;
  screenshotMaxBytes: number;
  /** A team's screenshot storage quota (LOUPE_TEAM_STORAGE_MAX_MB). */
  teamStorageMaxBytes: number;
}) {
  const { ctx, action } = deps;
  const limit = feedbackSubmissionLimit(deps.screenshotMaxBytes);
  const itemHeaders = (version: number) => ({ ETag: `"v${version}"` });
  const app = new Hono<AppEnv>()
    .get(
      "/",
      action("feedback.read"),
      describe(
        "Feedback items (a reporter sees only their own): filters, an order (newest first by default) and cursor pagination",
        ["feedback"],
        { 200: { description: "A page", schema: FeedbackPageSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      validate("query", FeedbackListQuery),
      (c) => {
        const q = c.req.valid("query");
        return c.json(listFeedback(ctx, { access: c.var.team, filters: { ...q, trash: q.trash === "1" } }));
      },
    )
    .post(
      "/bulk",
      action("feedback.triage"),
      describe(
        "One change to up to 100 items in one transaction — status, assignee, labels added or removed, or the trash (members and owners). Each item is checked as a single change is and answered apart: an id that is not a live item of this team fails as NOT_FOUND and nothing changes there; changed items get a new version (an open editor's stale save is then refused)",
        ["feedback"],
        { 200: { description: "Per item: updated, or failed with a code", schema: FeedbackBulkResultSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      validate("json", FeedbackBulkInput),
      (c) => c.json(bulkUpdateFeedback(ctx, { access: c.var.team, change: c.req.valid("json") })),
    )
    .post(
      "/",
      action("feedback.create"),
      describeRoute({
        summary:
          "Submit feedback: JSON, or multipart/form-data with a `payload` JSON part and an optional `screenshot` part (PNG, JPEG or WebP)",
        tags: ["feedback"],
        requestBody: feedbackSubmissionBody(FeedbackCreateInput),
        responses: {
          201: { description: "Created", content: jsonContent(FeedbackItemSchema) },
          ...Object.fromEntries(
            [...TEAM_ROUTE_ERRORS, 413, 415].map((s) => [
              s,
              { description: "Error (problem+json)", content: problemContent },
            ]),
          ),
        },
      }),
      validate("param", TeamParam),
      limit,
      async (c) => {
        const access = c.var.team;
        const { payload, screenshot } = await readFeedbackSubmission(c, {
          maxBytes: deps.screenshotMaxBytes,
          teamQuotaBytes: deps.teamStorageMaxBytes,
        });
        const id = createFeedback(ctx, {
          teamId: access.team.id,
          reporter: { userId: access.userId, anonymousId: null },
          data: parseOrThrow(FeedbackCreateInput, payload, "payload"),
          ...(screenshot ? { screenshot } : {}),
        });
        const item = getFeedback(ctx, { access, itemId: id });
        return c.json(item, 201, itemHeaders(item.version));
      },
    )
    .get(
      "/search",
      action("feedback.read"),
      describe(
        "Full-text search (title, comment, messages; internal comments for members and owners) with the list's filters, ranked (or in a list order), a page at a time",
        ["feedback"],
        { 200: { description: "Matches", schema: FeedbackPageSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", TeamParam),
      validate("query", SearchQuery),
      (c) => {
        const q = c.req.valid("query");
        return c.json(
          searchFeedback(ctx, { access: c.var.team, text: q.q, filters: { ...q, trash: q.trash === "1" } }),
        );
      },
    )
    .get(
      "/:itemId",
      action("feedback.read"),
      describe(
        "A feedback item (ETag = its version)",
        ["feedback"],
        { 200: { description: "Item", schema: FeedbackItemSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", ItemParam),
      (c) => {
        const item = getFeedback(ctx, { access: c.var.team, itemId: c.req.valid("param").itemId });
        return c.json(item, 200, itemHeaders(item.version));
      },
    )
    .patch(
      "/:itemId",
      action("feedback.triage"),
      describe(
        "Triage: status, assignee, labels — with If-Match (412 when stale, 428 when missing)",
        ["feedback"],
        { 200: { description: "Item", schema: FeedbackItemSchema } },
        [...TEAM_ROUTE_ERRORS, 412, 428],
      ),
      validate("param", ItemParam),
      validate("json", FeedbackUpdateInput),
      (c) => {
        const item = triageFeedback(ctx, {
          access: c.var.team,
          itemId: c.req.valid("param").itemId,
          expectedVersion: expectedVersion(c.req.header("If-Match")),
          changes: c.req.valid("json"),
        });
        return c.json(item, 200, itemHeaders(item.version));
      },
    )
    .delete(
      "/:itemId",
      action("feedback.delete"),
      describe(
        "Move to the trash (restorable for 30 days, then purged)",
        ["feedback"],
        { 200: { description: "In the trash", schema: OkSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", ItemParam),
      (c) => {
        trashFeedback(ctx, { access: c.var.team, itemId: c.req.valid("param").itemId });
        return c.json({ ok: true as const });
      },
    )
    .post(
      "/:itemId/restore",
      action("feedback.delete"),
      describe("Restore from the trash", ["feedback"], { 200: { description: "Item", schema: FeedbackItemSchema } }, [
        ...TEAM_ROUTE_ERRORS,
        409,
      ]),
      validate("param", ItemParam),
      (c) => c.json(restoreFeedback(ctx, { access: c.var.team, itemId: c.req.valid("param").itemId })),
    )
    .get(
      "/:itemId/screenshot",
      action("feedback.read"),
      describe(
        "The screenshot bytes (server-chosen type, sandboxed, as an attachment); its annotations are in the item's `screenshot` field",
        ["feedback"],
        { 200: { description: "Image" } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", ItemParam),
      (c) => {
        const shot = getScreenshot(ctx, { access: c.var.team, itemId: c.req.valid("param").itemId });
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
  // The item's two threads: internal comments (members and owners) and messages with the reporter.
  app
    .get(
      "/:itemId/comments",
      action("comments.read"),
      describe(
        "Internal comments (members and owners only)",
        ["feedback"],
        { 200: { description: "Comments", schema: v.object({ comments: v.array(NoteSchema) }) } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", ItemParam),
      (c) =>
        c.json({
          comments: listItemNotes(ctx, { access: c.var.team, kind: "comments", itemId: c.req.valid("param").itemId }),
        }),
    )
    .post(
      "/:itemId/comments",
      action("comments.write"),
      describe(
        "Add an internal comment",
        ["feedback"],
        { 201: { description: "Added", schema: NoteSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", ItemParam),
      validate("json", NoteInput),
      (c) =>
        c.json(
          addItemNote(ctx, {
            access: c.var.team,
            kind: "comments",
            itemId: c.req.valid("param").itemId,
            body: c.req.valid("json").body,
          }),
          201,
        ),
    )
    .get(
      "/:itemId/messages",
      action("messages.read"),
      describe(
        "The thread with the reporter (never internal comments), and whether a reply reaches them: by email (they left an address and SMTP is configured) or in Loupe (they have an account in the team)",
        ["feedback"],
        { 200: { description: "Messages", schema: MessageThreadSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", ItemParam),
      (c) => c.json(listItemMessages(ctx, { access: c.var.team, itemId: c.req.valid("param").itemId })),
    )
    .post(
      "/:itemId/messages",
      action("messages.write"),
      describe(
        "Write to the thread with the reporter; a reply from the team is also mailed to a reporter who left an address (when SMTP is configured)",
        ["feedback"],
        { 201: { description: "Added", schema: SentMessageSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", ItemParam),
      validate("json", NoteInput),
      (c) =>
        c.json(
          addItemMessage(ctx, {
            access: c.var.team,
            itemId: c.req.valid("param").itemId,
            body: c.req.valid("json").body,
          }),
          201,
        ),
    )
    .get(
      "/:itemId/history",
      action("feedback.history"),
      describe(
        "The item's history from the audit trail, newest first: created, triage changes (status, assignee, labels), trash and restore, comments and messages added — who and when (members and owners only)",
        ["feedback"],
        { 200: { description: "History", schema: HistoryPageSchema } },
        TEAM_ROUTE_ERRORS,
      ),
      validate("param", ItemParam),
      validate("query", HistoryQuery),
      (c) => {
        const q = c.req.valid("query");
        return c.json(
          listItemHistory(ctx, {
            access: c.var.team,
            itemId: c.req.valid("param").itemId,
            cursor: q.cursor,
            limit: q.limit,
          }),
        );
      },
    );
  return app;
}
