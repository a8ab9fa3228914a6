import * as v from "valibot";
/**
 * The feedback payload, shared by the server and (later) the widget: one schema validates both the
 * authenticated API and the public ingest path.
 */
import { BULK_FAILURES, MAX_BULK_ITEMS, MAX_ITEM_LABELS, SCALES, SORTS, STATUSES } from "./feedback-constants.ts";
import { JsonText, MultilineText, PlainText } from "./text.ts";

export { BULK_FAILURES, MAX_BULK_ITEMS, MAX_ITEM_LABELS, SCALES, SORTS, STATUSES };
export const MAX_JSON_BYTES = 16 * 1024;

const Id = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/, "Expected an id."));
export const MAX_JSON_DEPTH = 16;

/** Whether free-form JSON nests at most MAX_JSON_DEPTH levels (iterative: no recursion to exhaust). */
function shallowEnough(root: unknown): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== "object" || value === null) continue;
    if (depth > MAX_JSON_DEPTH) return false;
    for (const item of Object.values(value)) stack.push([item, depth + 1]);
  }
  return true;
}

const SmallJson = v.pipe(
  v.record(v.pipe(v.string(), v.maxLength(100)), v.unknown()),
  v.check(
    // Depth first: JSON.stringify recurses, and a deep enough value would exhaust the stack.
    (value) => shallowEnough(value) && new TextEncoder().encode(JSON.stringify(value)).length <= MAX_JSON_BYTES,
    `At most ${MAX_JSON_BYTES} bytes of JSON, nested at most ${MAX_JSON_DEPTH} levels.`,
  ),
  JsonText,
);
const Point = v.strictObject({
  x: v.pipe(v.number(), v.minValue(0), v.maxValue(8000)),
  y: v.pipe(v.number(), v.minValue(0), v.maxValue(8000)),
});

/** Annotation drawing commands, replayed on a canvas over the screenshot. */
export const AnnotationSchema = v.variant("type", [
  v.strictObject({
    type: v.literal("rect"),
    from: Point,
    to: Point,
    color: v.pipe(v.string(), v.regex(/^#[0-9a-f]{6}$/i)),
  }),
  v.strictObject({
    type: v.literal("arrow"),
    from: Point,
    to: Point,
    color: v.pipe(v.string(), v.regex(/^#[0-9a-f]{6}$/i)),
  }),
  v.strictObject({
    type: v.literal("pen"),
    points: v.pipe(v.array(Point), v.maxLength(2000)),
    color: v.pipe(v.string(), v.regex(/^#[0-9a-f]{6}$/i)),
  }),
  v.strictObject({
    type: v.literal("text"),
    at: Point,
    text: v.pipe(v.string(), v.maxLength(500), MultilineText),
    color: v.pipe(v.string(), v.regex(/^#[0-9a-f]{6}$/i)),
  }),
  /** A translucent marker over a region (drawn with the colour at partial opacity). */
  v.strictObject({
    type: v.literal("highlight"),
    from: Point,
    to: Point,
    color: v.pipe(v.string(), v.regex(/^#[0-9a-f]{6}$/i)),
  }),
  /** Also burnt into the image by the widget before upload: the pixels under it are never sent. */
  v.strictObject({ type: v.literal("blackout"), from: Point, to: Point }),
]);

export const FeedbackCreateInput = v.strictObject({
  projectId: Id,
  comment: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(10_000), MultilineText),
  title: v.optional(v.pipe(v.string(), v.trim(), PlainText, v.maxLength(200))),
  rating: v.optional(
    v.pipe(
      v.strictObject({ scale: v.picklist(["stars", "emoji", "nps"]), value: v.pipe(v.number(), v.integer()) }),
      v.check(
        (r) => r.value >= SCALES[r.scale][0] && r.value <= SCALES[r.scale][1],
        "The value is outside its scale (stars and emoji 1–5, NPS 0–10).",
      ),
    ),
  ),
  reporterEmail: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(254), v.email())),
  pageUrl: v.optional(
    v.pipe(
      v.string(),
      PlainText,
      v.maxLength(2048),
      v.url(),
      v.check((u) => /^https?:/i.test(u), "Expected an http(s) URL."),
    ),
  ),
  metadata: v.optional(SmallJson),
  customData: v.optional(SmallJson),
  annotations: v.optional(v.pipe(v.array(AnnotationSchema), v.maxLength(500))),
});
export type FeedbackCreate = v.InferOutput<typeof FeedbackCreateInput>;

/**
 * What the widget sends to the public ingest (`payload` part or JSON body): the feedback without a
 * project (the widget key names it), a client-generated idempotency id (a retry returns the first
 * item, T-W5) and the visitor's anonymous reporter id (`us-reporter_`), never an account.
 */
export const WidgetFeedbackInput = v.strictObject({
  ...v.omit(FeedbackCreateInput, ["projectId"]).entries,
  idempotencyId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/, "Expected 16–64 letters, digits, _ or -.")),
  reporterId: v.optional(
    v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/, "Expected 16–64 letters, digits, _ or -.")),
  ),
  /** The category picked (one of the project's category labels): the item gets that label. */
  categoryId: v.optional(Id),
  /** Answers to the project's custom fields, by field id: a select's option or a checkbox's state. */
  answers: v.optional(
    v.pipe(
      v.record(
        v.pipe(v.string(), v.regex(/^[a-z][a-z0-9_]{0,31}$/)),
        v.union([v.pipe(v.string(), v.trim(), PlainText, v.maxLength(100)), v.boolean()]),
      ),
      v.check((a) => Object.keys(a).length <= 10, "At most 10 answers."),
    ),
  ),
});
export type WidgetFeedback = v.InferOutput<typeof WidgetFeedbackInput>;
export const WidgetSubmittedSchema = v.object({ id: v.string() });

export const FeedbackUpdateInput = v.strictObject({
  status: v.optional(v.picklist(STATUSES)),
  assigneeId: v.optional(v.nullable(Id)),
  labelIds: v.optional(v.pipe(v.array(Id), v.maxLength(MAX_ITEM_LABELS))),
});

/**
 * One change to up to MAX_BULK_ITEMS items of a team (the inbox's multi-select): a status, an
 * assignee (null: nobody), labels added and removed, or the trash.
 */
export const FeedbackBulkInput = v.pipe(
  v.strictObject({
    ids: v.pipe(
      v.array(Id),
      v.minLength(1, "At least one id."),
      v.maxLength(MAX_BULK_ITEMS, `At most ${MAX_BULK_ITEMS} ids.`),
    ),
    status: v.optional(v.picklist(STATUSES)),
    assigneeId: v.optional(v.nullable(Id)),
    addLabelIds: v.optional(v.pipe(v.array(Id), v.maxLength(MAX_ITEM_LABELS))),
    removeLabelIds: v.optional(v.pipe(v.array(Id), v.maxLength(MAX_ITEM_LABELS))),
    trash: v.optional(v.literal(true)),
  }),
  v.forward(
    v.check(
      (b) =>
        b.status !== undefined ||
        b.assigneeId !== undefined ||
        (b.addLabelIds?.length ?? 0) > 0 ||
        (b.removeLabelIds?.length ?? 0) > 0 ||
        b.trash === true,
      "Nothing to change: give a status, assigneeId, addLabelIds, removeLabelIds or trash.",
    ),
    ["ids"],
  ),
);
export type FeedbackBulk = v.InferOutput<typeof FeedbackBulkInput>;
export const FeedbackBulkResultSchema = v.object({
  updated: v.array(v.string()),
  failed: v.array(v.object({ id: v.string(), code: v.picklist(BULK_FAILURES) })),
});
export type FeedbackBulkResult = v.InferOutput<typeof FeedbackBulkResultSchema>;

export const NoteInput = v.strictObject({
  body: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(10_000), MultilineText),
});

const Digits = (max: number) => v.pipe(v.string(), v.regex(new RegExp(`^\\d{1,${max}}$`)), v.transform(Number));
const Cursor = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,200}$/));
/** The filters of a list, a search and the list across teams (query parameters). */
const FilterEntries = {
  projectId: v.optional(Id),
  status: v.optional(v.picklist(STATUSES)),
  /** A member's id, or `none` for items nobody is assigned to. */
  assigneeId: v.optional(v.union([Id, v.literal("none")])),
  labelId: v.optional(Id),
  /** On the item's own scale (stars and emoji 1–5, NPS 0–10); items without a rating never match. */
  ratingMin: v.optional(Digits(2)),
  ratingMax: v.optional(Digits(2)),
  from: v.optional(v.pipe(v.string(), v.isoTimestamp())),
  /** Exclusive. */
  to: v.optional(v.pipe(v.string(), v.isoTimestamp())),
  /** `1`: only items with a screenshot; `0`: only items without. */
  hasScreenshot: v.optional(v.picklist(["1", "0"])),
  trash: v.optional(v.picklist(["1"])),
  cursor: v.optional(Cursor),
  limit: v.optional(Digits(3)),
};
export const FeedbackListQuery = v.strictObject({
  ...FilterEntries,
  /** newest (default), oldest, rating (lowest first) or rating_desc (highest first); unrated items last. */
  sort: v.optional(v.picklist(SORTS)),
});
export type FeedbackListFilters = v.InferOutput<typeof FeedbackListQuery>;

export const SearchQuery = v.strictObject({
  ...FilterEntries,
  q: v.pipe(v.string(), PlainText, v.minLength(1), v.maxLength(200)),
  /** relevance (default) or one of the list's orders. */
  sort: v.optional(v.picklist([...SORTS, "relevance"])),
});
export type FeedbackSearchFilters = v.InferOutput<typeof SearchQuery>;

// Response schemas (see src/shared/accounts.ts).
export const FeedbackItemSchema = v.object({
  id: v.string(),
  teamId: v.string(),
  projectId: v.string(),
  title: v.nullable(v.string()),
  comment: v.string(),
  rating: v.nullable(v.object({ scale: v.picklist(["stars", "emoji", "nps"]), value: v.number() })),
  reporter: v.object({
    userId: v.nullable(v.string()),
    anonymousId: v.nullable(v.string()),
    email: v.nullable(v.string()),
    /** The visitor's IP address, only where the project stores it. */
    ip: v.nullable(v.string()),
  }),
  pageUrl: v.nullable(v.string()),
  metadata: v.record(v.string(), v.unknown()),
  customData: v.record(v.string(), v.unknown()),
  status: v.picklist(STATUSES),
  assigneeId: v.nullable(v.string()),
  labelIds: v.array(v.string()),
  hasScreenshot: v.boolean(),
  version: v.number(),
  createdAt: v.string(),
  updatedAt: v.string(),
  deletedAt: v.nullable(v.string()),
  screenshot: v.optional(
    v.nullable(
      v.object({
        contentType: v.string(),
        width: v.number(),
        height: v.number(),
        size: v.number(),
        annotations: v.array(AnnotationSchema),
      }),
    ),
  ),
});
export type PublicFeedback = v.InferOutput<typeof FeedbackItemSchema>;
export const FeedbackPageSchema = v.object({ items: v.array(FeedbackItemSchema), nextCursor: v.nullable(v.string()) });
/**
 * A page across the caller's teams. A team whose security policy this sign-in does not meet (MFA,
 * SSO, its shorter inactivity timeout) is left out and named, with the reason, in `skippedTeams`.
 */
export const FeedbackAcrossPageSchema = v.object({
  items: v.array(FeedbackItemSchema),
  nextCursor: v.nullable(v.string()),
  skippedTeams: v.array(v.object({ teamId: v.string(), code: v.string() })),
});

export const NoteSchema = v.object({
  id: v.string(),
  authorId: v.nullable(v.string()),
  body: v.string(),
  createdAt: v.string(),
});
export type PublicNote = v.InferOutput<typeof NoteSchema>;

/** The thread with the reporter, and whether a reply from the team reaches them. */
export const MessageReachSchema = v.object({
  /** By email: the reporter left an address and this instance has a mail server (SMTP). */
  email: v.boolean(),
  /** In Loupe: the reporter has an account in the team and reads the thread when signed in. */
  account: v.boolean(),
});
export const MessageThreadSchema = v.object({ messages: v.array(NoteSchema), reach: MessageReachSchema });
export const SentMessageSchema = v.object({
  ...NoteSchema.entries,
  /** Handed to the mail server for the reporter's address (delivery itself is asynchronous). */
  emailed: v.boolean(),
});

/** The audit-trail actions that make up an item's history. */
export const HISTORY_ACTIONS = [
  "feedback.created",
  "feedback.triaged",
  "feedback.trashed",
  "feedback.restored",
  "feedback.comment_added",
  "feedback.message_added",
] as const;
const Nullable = v.nullable(v.string());
/** One change of an item from its audit trail: who, when, what (ids and values; names come from the team's lists). */
export const HistoryEntrySchema = v.object({
  seq: v.number(),
  at: v.string(),
  /** Null for a visitor's submission through the widget. */
  actorId: Nullable,
  action: v.picklist(HISTORY_ACTIONS),
  /** The item's version after the change (null where the entry predates versioned history). */
  version: v.nullable(v.number()),
  changes: v.object({
    status: v.optional(v.object({ from: v.picklist(STATUSES), to: v.picklist(STATUSES) })),
    assigneeId: v.optional(v.object({ from: Nullable, to: Nullable })),
    labels: v.optional(v.object({ added: v.array(v.string()), removed: v.array(v.string()) })),
  }),
});
export type HistoryEntry = v.InferOutput<typeof HistoryEntrySchema>;
export const HistoryPageSchema = v.object({ entries: v.array(HistoryEntrySchema), nextCursor: v.nullable(v.string()) });
export const HistoryQuery = v.strictObject({
  /** The `nextCursor` of the previous page. */
  cursor: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/, "Expected a cursor from the previous page."))),
  limit: v.optional(Digits(3)),
});
