import * as v from "valibot";

/**
 * The live-update stream (GET /api/v1/events): what its messages carry. Ids only — a page fetches
 * the details through the ordinary routes, so the stream can never show what the caller cannot read.
 * The admin UI imports these types only (`import type`): no valibot in its bundle.
 */
export const LIVE_EVENT_TYPES = ["feedback.created", "feedback.updated", "comment.created", "message.created"] as const;

/** `data` of an event message; its `event:` field is `type` and its `id:` field is `id`. */
export const LiveEventSchema = v.object({
  /** The event's place in the stream (also the SSE `id:`, sent back as Last-Event-ID on reconnect). */
  id: v.string(),
  type: v.picklist(LIVE_EVENT_TYPES),
  teamId: v.string(),
  itemId: v.string(),
  /** comment.created / message.created: the new comment's or message's id. */
  noteId: v.optional(v.string()),
});

/**
 * Why the stream ended (the `session-ended` message, sent just before the server closes it):
 * the session was signed out, revoked (by the user, an admin, a password or MFA change, disabling),
 * reached its inactivity or absolute deadline, the user's membership or role in `teamId` changed,
 * or `teamId`'s own shorter inactivity timeout ran out.
 */
export const SESSION_END_REASONS = ["logout", "revoked", "idle", "expired", "membership_changed", "team_idle"] as const;

export const SessionEndedSchema = v.object({
  reason: v.picklist(SESSION_END_REASONS),
  teamId: v.optional(v.string()),
});

export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];
export type LiveEventMessage = v.InferOutput<typeof LiveEventSchema>;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];
export type SessionEnded = v.InferOutput<typeof SessionEndedSchema>;
