import { AppError } from "../../lib/app-error.ts";
import type { SessionEnded } from "../../shared/live-events.ts";
import { findFeedback } from "../../store/feedback.ts";
import { listTeamsOfUser } from "../../store/teams.ts";
import { findUserById } from "../../store/users.ts";
import { type CheckedSession, sessionStanding } from "../accounts/sessions.ts";
import { toAccount } from "../accounts/users.ts";
import type { TeamAction } from "../authz.ts";
import type { ServiceContext } from "../context.ts";
import { peekTeamAccess, teamIdleDeadline } from "../teams/access.ts";
import type { AccessSignal, LiveBus, StampedEvent } from "./bus.ts";

/**
 * Open live-update streams per session. A tab holds one; a few tabs of one sign-in fit, a runaway
 * page does not (over HTTP/1.1 a browser has only six connections per origin in all).
 */
export const MAX_STREAMS_PER_SESSION = 6;

/** Where a stream writes; the route turns these into SSE messages. */
export type StreamSink = {
  event(event: StampedEvent): void;
  /** The events since the browser's Last-Event-ID cannot be replayed: it should reload what it shows. */
  resync(): void;
  heartbeat(): void;
  /** The last message (a session-ended, or none on shutdown) and the end of the response. */
  end(ended: SessionEnded | undefined): void;
};

export type EventStream = {
  /** The browser went away (or the route gave up on a consumer too slow to keep up). */
  close(): void;
};

/** The action an event's reader needs in its team: internal comments are for members and owners only. */
const READ_ACTION: Record<StampedEvent["type"], TeamAction> = {
  "feedback.created": "feedback.read",
  "feedback.updated": "feedback.read",
  "comment.created": "comments.read",
  "message.created": "messages.read",
};

/**
 * One tab's stream of everything its user may see, across all their teams. Every event is checked
 * at delivery against the session and the team access as they are now (never as they were at
 * connect): reporters get their own items' events only, internal comments never reach them, and a
 * removed member gets nothing more. The stream ends — with a session-ended message — the moment the
 * session ends (logout, revocation, security change), the user's membership or role changes, or the
 * session's inactivity, absolute or per-team deadline passes; a heartbeat keeps it open meanwhile.
 * Nothing here is activity: the session and team activity stay untouched.
 */
export function openEventStream(
  ctx: ServiceContext,
  input: {
    session: CheckedSession;
    /** When the browser's session cookie expires (the token it connected with). */
    tokenExpiresAt: number;
    lastEventId?: string | undefined;
    sink: StreamSink;
  },
): EventStream {
  const bus: LiveBus | undefined = ctx.live;
  if (!bus) throw new AppError("SERVICE_UNAVAILABLE", "Live updates are not available here.");
  const { session, sink } = input;
  const userId = session.user_id;
  const securityVersion = findUserById(ctx.db, userId)?.security_version;
  if (securityVersion === undefined) throw new AppError("UNAUTHENTICATED");
  if (!bus.acquire(session.id, MAX_STREAMS_PER_SESSION))
    throw new AppError(
      "TOO_MANY_STREAMS",
      `At most ${MAX_STREAMS_PER_SESSION} live-update streams per sign-in: close a tab and reload.`,
    );

  let open = true;
  let tokenExpiresAt = input.tokenExpiresAt;
  /** The user's teams and roles as last checked: a change to one of them ends the stream. */
  let roles: Map<string, string> | undefined;
  /** Teams whose own inactivity timeout had passed when first seen: their events stop, the stream does not. */
  const lapsed = new Set<string>();
  let cancelDeadline: (() => void) | undefined;
  let cancelHeartbeat: (() => void) | undefined;

  const finish = (ended: SessionEnded | undefined, tell: boolean) => {
    if (!open) return;
    open = false;
    unsubscribe();
    cancelDeadline?.();
    cancelHeartbeat?.();
    bus.release(session.id);
    if (tell) sink.end(ended);
  };

  /** The session as it is now: undefined when it ended (and the stream with it), else until when it holds. */
  const standing = (): number | undefined => {
    const now = ctx.clock.now();
    const state = sessionStanding(ctx, { sessionId: session.id, securityVersion });
    if ("ended" in state) return void finish({ reason: state.ended }, true);
    // The cookie this browser holds lapses at its expiry unless a request re-issued it meanwhile
    // (never later than the session's absolute deadline).
    if (now >= tokenExpiresAt)
      return void finish({ reason: tokenExpiresAt >= state.expiresAt ? "expired" : "idle" }, true);
    return Math.min(state.idleUntil + 1, state.expiresAt + 1, tokenExpiresAt);
  };

  /** Everything that can end the stream, read live; then the timer for the next deadline. */
  const recheck = () => {
    if (!open) return;
    let next = standing();
    if (next === undefined) return;
    const now = ctx.clock.now();
    const teams = listTeamsOfUser(ctx.db, userId);
    const current = new Map(teams.map((team) => [team.id, team.role as string]));
    for (const [teamId, role] of roles ?? []) {
      if (current.get(teamId) !== role) return finish({ reason: "membership_changed", teamId }, true);
    }
    for (const team of teams) {
      const due = teamIdleDeadline(ctx, team, session);
      if (due === undefined || now <= due) {
        lapsed.delete(team.id);
        if (due !== undefined) next = Math.min(next, due + 1);
        continue;
      }
      // A team already lapsed when the stream first saw it (or joined since) only stops its events;
      // one that lapses while the stream is open ends it, so a tab showing that team goes to sign-in.
      if (roles?.has(team.id) && !lapsed.has(team.id)) return finish({ reason: "team_idle", teamId: team.id }, true);
      lapsed.add(team.id);
    }
    roles = current;
    cancelDeadline?.();
    cancelDeadline = bus.schedule(recheck, next - now);
  };

  const deliver = (event: StampedEvent) => {
    if (!open || standing() === undefined) return;
    const user = findUserById(ctx.db, userId);
    if (!user) return finish({ reason: "revoked" }, true);
    const access = peekTeamAccess(ctx, {
      teamId: event.teamId,
      user: toAccount(user),
      session,
      action: READ_ACTION[event.type],
    });
    if (!access) return;
    if (access.role === "reporter" && findFeedback(ctx.db, event.teamId, event.itemId)?.reporter_user_id !== userId)
      return;
    sink.event(event);
  };

  const concerns = (signal: AccessSignal) =>
    signal.kind === "user"
      ? signal.userId === userId
      : signal.kind === "team"
        ? (roles?.has(signal.teamId) ?? true)
        : signal.sessionId === session.id;

  const unsubscribe = bus.subscribe({
    event: deliver,
    access(signal) {
      if (!concerns(signal)) return;
      if (signal.kind === "token") tokenExpiresAt = Math.max(tokenExpiresAt, signal.expiresAt);
      recheck();
    },
    shutdown: () => finish(undefined, true),
  });

  const beat = () => {
    if (!open) return;
    sink.heartbeat();
    // Also catches changes made outside this process (a CLI command) within one beat.
    recheck();
    if (open) cancelHeartbeat = bus.schedule(beat, bus.heartbeatMs);
  };

  recheck();
  if (open && input.lastEventId !== undefined) {
    const missed = bus.since(input.lastEventId);
    if (missed) for (const event of missed) deliver(event);
    else sink.resync();
  }
  if (open) cancelHeartbeat = bus.schedule(beat, bus.heartbeatMs);
  return { close: () => finish(undefined, false) };
}
