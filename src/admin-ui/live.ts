import type { LiveEventMessage, SessionEnded } from "../shared/live-events.ts";
import { ApiError, api } from "./api.ts";

/**
 * Live updates: one EventSource per tab on GET /api/v1/events (never one per team: over HTTP/1.1 a
 * browser has six connections per origin in all). Messages carry ids only; pages fetch the details
 * through the ordinary routes. `resync` asks a page to reload what it shows (events were missed).
 */
export type LiveMessage = LiveEventMessage | { type: "resync" };

const EVENT_TYPES = ["feedback.created", "feedback.updated", "comment.created", "message.created"] as const;
/** After a refusal that is not a lost session (429, 503, the network), try again this much later. */
const RETRY_MS = 30_000;

const listeners = new Set<(message: LiveMessage) => void>();
let source: EventSource | undefined;
let retry: ReturnType<typeof setTimeout> | undefined;
let options: { lost: () => void; teamId: () => string | null } | undefined;

/** Calls `listener` with every live message of this tab until the returned function is called. */
export function onLive(listener: (message: LiveMessage) => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

const dispatch = (message: LiveMessage) => {
  for (const listener of [...listeners]) listener(message);
};

/**
 * Opens the tab's stream unless it is open. `lost` sends the tab to sign-in (and back); `teamId` is
 * the team the tab shows, which a team-scoped end (membership change, the team's own timeout) concerns.
 */
export function startLive(next: { lost: () => void; teamId: () => string | null }): void {
  options = next;
  if (source || retry !== undefined) return;
  const opened = new EventSource("/api/v1/events");
  source = opened;
  for (const type of EVENT_TYPES)
    opened.addEventListener(type, (e) => dispatch(JSON.parse((e as MessageEvent<string>).data) as LiveEventMessage));
  opened.addEventListener("resync", () => dispatch({ type: "resync" }));
  opened.addEventListener("session-ended", (e) => {
    close();
    ended(JSON.parse((e as MessageEvent<string>).data) as SessionEnded);
  });
  opened.addEventListener("error", () => {
    // CONNECTING: the browser reconnects by itself (and replays from Last-Event-ID). CLOSED: refused.
    if (opened.readyState !== EventSource.CLOSED || source !== opened) return;
    close();
    ended(undefined);
  });
}

/** Closes the stream (signing out: its own end is no news). */
export function stopLive(): void {
  close();
  clearTimeout(retry);
  retry = undefined;
}

function close() {
  source?.close();
  source = undefined;
}

/**
 * The stream ended (or was refused): is the session still there? This tab may itself hold a renewed
 * session (it re-authenticated, or changed its password), then it only reconnects; otherwise it signs in.
 */
function ended(why: SessionEnded | undefined) {
  const current = options;
  if (!current) return;
  // A session this tab renewed itself ends as "revoked" before the answer with the new cookie arrives.
  setTimeout(() => check(current, why), why?.reason === "revoked" ? 1000 : 0);
}

function check(current: NonNullable<typeof options>, why: SessionEnded | undefined) {
  api("GET", "/me").then(
    () => {
      const here = current.teamId();
      if (why?.teamId !== undefined && why.teamId === here) return lost(current);
      reconnect(current, why ? 0 : RETRY_MS);
    },
    (error: unknown) => {
      if (error instanceof ApiError && error.status === 401) lost(current);
      else reconnect(current, RETRY_MS);
    },
  );
}

function lost(current: NonNullable<typeof options>) {
  // Already on the way to signing in (another request noticed first): go there once, not twice.
  if (location.pathname !== "/sign-in") current.lost();
}

function reconnect(current: NonNullable<typeof options>, afterMs: number) {
  if (source || retry !== undefined) return;
  retry = setTimeout(() => {
    retry = undefined;
    startLive(current);
    // What happened meanwhile was not delivered: pages reload what they show.
    dispatch({ type: "resync" });
  }, afterMs);
}
