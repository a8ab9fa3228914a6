import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { AppEnv, SessionEnv } from "../../http/app-env.ts";
import type { routeActions } from "../../http/authorize.ts";
import { describeRoute, problemContent } from "../../http/openapi.ts";
import { type RequestLimiter, rateLimit } from "../../http/rate-limit.ts";
import { AppError } from "../../lib/app-error.ts";
import type { ServiceContext } from "../../services/context.ts";
import type { StampedEvent } from "../../services/live/bus.ts";
import { type EventStream, MAX_STREAMS_PER_SESSION, openEventStream } from "../../services/live/stream.ts";
import type { SessionEnded } from "../../shared/live-events.ts";

/** Messages waiting for a browser that does not read: beyond this it is dropped (it reconnects and replays). */
const MAX_QUEUED = 500;
/** How long a browser waits before reconnecting after a dropped connection. */
const RETRY_MS = 3000;

const message = (event: string, data: unknown, id?: string) =>
  `event: ${event}\n${id === undefined ? "" : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`;

const eventMessage = (e: StampedEvent) =>
  message(
    e.type,
    { id: e.id, type: e.type, teamId: e.teamId, itemId: e.itemId, ...(e.noteId ? { noteId: e.noteId } : {}) },
    e.id,
  );

/**
 * What the stream writes, queued until the response body is read: the service pushes synchronously,
 * the SSE writer drains in order.
 */
function outbox() {
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let overflowed = false;
  return {
    push(chunk: string) {
      if (done) return;
      if (queue.length >= MAX_QUEUED) {
        overflowed = true;
        done = true;
      } else queue.push(chunk);
      wake?.();
    },
    finish() {
      done = true;
      wake?.();
    },
    get overflowed() {
      return overflowed;
    },
    async drain(write: (chunk: string) => Promise<unknown>, aborted: () => boolean) {
      for (;;) {
        while (queue.length > 0 && !aborted() && !overflowed) await write(queue.shift()!);
        if (done || aborted()) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    },
  };
}

/** /api/v1/events: one server-sent-events stream per browser tab with everything its user may see. */
export function eventRoutes(deps: {
  ctx: ServiceContext;
  action: ReturnType<typeof routeActions>;
  limits: RequestLimiter;
}) {
  const { ctx, action } = deps;
  return new Hono<AppEnv>().get(
    "/",
    action("self"),
    describeRoute({
      summary: "Live updates: one server-sent-events stream per browser tab",
      description: [
        "Everything the signed-in user may see across all their teams, as `text/event-stream`, for a browser session",
        "(API tokens are refused). Each message carries ids only — fetch the details through the ordinary routes:",
        "`event:` is the type (`feedback.created`, `feedback.updated` — status, assignee, labels, trash, restore —,",
        "`comment.created` for members and owners only, `message.created`), `id:` the event id, `data:` JSON",
        "`{ id, type, teamId, itemId, noteId? }`. Every event is checked against the caller's team access at delivery:",
        "a reporter gets only their own items' events and never an internal comment's. A comment line arrives every",
        "15 s. On reconnect, `Last-Event-ID` replays what was missed; when that is no longer possible an `event: resync`",
        "asks the page to reload what it shows. Before the server ends the stream because the session ended",
        "(sign-out, revocation, a security change, the inactivity or absolute deadline, a team's own shorter",
        "inactivity timeout) or the user's membership or role in a team changed, it sends `event: session-ended` with",
        "`data: { reason, teamId? }` (reason: logout, revoked, idle, expired, membership_changed, team_idle).",
        `An open stream is not activity: it does not extend the inactivity timeout. At most ${MAX_STREAMS_PER_SESSION} streams per session (429 beyond).`,
      ].join(" "),
      tags: ["events"],
      parameters: [
        {
          name: "Last-Event-ID",
          in: "header",
          required: false,
          description: "The last event id received (browsers send it when they reconnect).",
          schema: { type: "string" },
        },
      ],
      responses: {
        200: {
          description: "The event stream",
          content: {
            "text/event-stream": {
              schema: {
                type: "string",
                description:
                  "Server-sent events. Each `data:` is one line of JSON: an event's `{ id, type, teamId, itemId, noteId? }`, session-ended's `{ reason, teamId? }`, resync's `{}`; comment lines (`: heartbeat`) only keep the connection alive.",
              },
            },
          },
        },
        ...Object.fromEntries(
          [401, 403, 429, 503].map((s) => [s, { description: "Error (problem+json)", content: problemContent }]),
        ),
      },
    }),
    // Opening streams, per account: reconnecting tabs are fine, a loop opening them is not.
    rateLimit<AppEnv & SessionEnv>(deps.limits, "events", (c) => c.var.caller.session.user_id),
    (c) => {
      const caller = c.var.caller;
      // SameSite=Strict already keeps the cookie off other sites' requests; a page of another site
      // must not even hold one of the session's stream slots.
      const site = c.req.header("Sec-Fetch-Site");
      if (site !== undefined && site !== "same-origin" && site !== "none")
        throw new AppError("CSRF_REJECTED", "The live-update stream is for Loupe's own pages.");
      const out = outbox();
      // Opened before the response starts, so a refusal (429) is an ordinary problem+json answer.
      const stream: EventStream = openEventStream(ctx, {
        session: caller.session,
        tokenExpiresAt: caller.tokenExpiresAt,
        lastEventId: c.req.header("Last-Event-ID")?.slice(0, 100),
        sink: {
          event: (e) => out.push(eventMessage(e)),
          resync: () => out.push(message("resync", {})),
          heartbeat: () => out.push(": heartbeat\n\n"),
          end(ended: SessionEnded | undefined) {
            if (ended) out.push(message("session-ended", ended));
            out.finish();
          },
        },
      });
      // Behind nginx, an unbuffered answer: events must not wait in a proxy's buffer.
      c.header("X-Accel-Buffering", "no");
      // The server's idle timeout must not cut the stream (its own deadlines end it).
      c.env?.disableIdleTimeout?.();
      return streamSSE(c, async (sse) => {
        sse.onAbort(() => {
          stream.close();
          out.finish();
        });
        // The retry delay, and a first line so that the browser (and any proxy) sees the stream open.
        await sse.write(`retry: ${RETRY_MS}\n: open\n\n`);
        await out.drain(
          (chunk) => sse.write(chunk),
          () => sse.aborted,
        );
        // A browser that does not read gets dropped; it reconnects and replays from Last-Event-ID.
        if (out.overflowed) stream.close();
      });
    },
  );
}
