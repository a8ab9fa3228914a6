import { randomId } from "../../lib/crypto.ts";
import { errorFields, type Logger } from "../../lib/logger.ts";
import type { LiveEventType } from "../../shared/live-events.ts";
import type { Scheduler } from "../audit/audit-head.ts";
import type { ServiceContext } from "../context.ts";

/** A change someone may see, published after its commit: ids only. */
export type LiveEvent = { type: LiveEventType; teamId: string; itemId: string; noteId?: string };

/** An event with its place in this process's stream. */
export type StampedEvent = LiveEvent & { id: string; seq: number };

/**
 * A change that may end a stream or change what it may deliver; the streams concerned re-check at
 * once: a user's sessions or memberships, a team's policy or existence, or a session's cookie
 * re-issued with a later expiry (`token`).
 */
export type AccessSignal =
  | { kind: "user"; userId: string }
  | { kind: "team"; teamId: string }
  | { kind: "token"; sessionId: string; expiresAt: number };

export type LiveListener = {
  event(event: StampedEvent): void;
  access(signal: AccessSignal): void;
  /** The server is stopping: close without a session-ended message (the browser reconnects). */
  shutdown(): void;
};

/** The in-process bus of live updates: services publish, open streams (src/services/live/stream.ts) listen. */
export type LiveBus = {
  readonly schedule: Scheduler;
  readonly heartbeatMs: number;
  publish(event: LiveEvent): void;
  accessChanged(signal: AccessSignal): void;
  subscribe(listener: LiveListener): () => void;
  /** The events after `lastId` still held for replay, oldest first; undefined when some are gone. */
  since(lastId: string): StampedEvent[] | undefined;
  /** Takes one of a session's stream slots; false when all `max` are taken. */
  acquire(sessionId: string, max: number): boolean;
  release(sessionId: string): void;
  /** Ends every stream (graceful stop): an open stream must not hold the server's drain. */
  close(): void;
  /** How many streams are open now (the metrics gauge). */
  openStreams(): number;
};

/** A heartbeat comment this often: well inside the server's idle timeout (main.ts), which must not cut a quiet stream. */
export const HEARTBEAT_MS = 15_000;
/** Events kept for a reconnecting browser's Last-Event-ID. */
export const REPLAY_EVENTS = 1000;

/** setTimeout as a Scheduler (main.ts passes its own; tests drive a manual one). */
export const timeoutScheduler: Scheduler = (run, delayMs) => {
  const timer = setTimeout(run, Math.min(Math.max(delayMs, 0), 2 ** 31 - 1));
  return () => clearTimeout(timer);
};

export function createLiveBus(options: { logger: Logger; schedule?: Scheduler; heartbeatMs?: number }): LiveBus {
  const { logger } = options;
  // Ids name this process's run: a Last-Event-ID from before a restart asks for a resync, not a replay.
  const epoch = randomId(6);
  let seq = 0;
  const held: StampedEvent[] = [];
  const listeners = new Set<LiveListener>();
  const slots = new Map<string, number>();
  const each = (call: (listener: LiveListener) => void) => {
    for (const listener of [...listeners]) {
      try {
        call(listener);
      } catch (error) {
        // One stream's failure must not fail the request that published, nor the other streams.
        logger.error("live.listener_failed", errorFields(error));
      }
    }
  };
  return {
    schedule: options.schedule ?? timeoutScheduler,
    heartbeatMs: options.heartbeatMs ?? HEARTBEAT_MS,
    publish(event) {
      seq += 1;
      const stamped = { ...event, id: `${epoch}.${seq}`, seq };
      held.push(stamped);
      if (held.length > REPLAY_EVENTS) held.shift();
      each((listener) => listener.event(stamped));
    },
    accessChanged(signal) {
      each((listener) => listener.access(signal));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    since(lastId) {
      const match = /^([A-Za-z0-9_-]{1,32})\.(\d{1,15})$/.exec(lastId);
      if (!match || match[1] !== epoch) return undefined;
      const last = Number(match[2]);
      if (last > seq) return undefined;
      const oldest = held[0]?.seq ?? seq + 1;
      if (last < oldest - 1) return undefined;
      return held.filter((e) => e.seq > last);
    },
    acquire(sessionId, max) {
      const open = slots.get(sessionId) ?? 0;
      if (open >= max) return false;
      slots.set(sessionId, open + 1);
      return true;
    },
    release(sessionId) {
      const open = (slots.get(sessionId) ?? 1) - 1;
      if (open > 0) slots.set(sessionId, open);
      else slots.delete(sessionId);
    },
    close() {
      each((listener) => listener.shutdown());
      listeners.clear();
    },
    openStreams: () => listeners.size,
  };
}

/** Publishes `event` once the current write transaction commits (never if it rolls back). Call inside Db.write(). */
export function publishAfterCommit(ctx: ServiceContext, event: LiveEvent): void {
  const bus = ctx.live;
  if (bus) ctx.db.afterCommit(() => bus.publish(event));
}

/** Signals an access change once the current write transaction commits. Call inside Db.write(). */
export function accessChangedAfterCommit(ctx: ServiceContext, signal: AccessSignal): void {
  const bus = ctx.live;
  if (bus) ctx.db.afterCommit(() => bus.accessChanged(signal));
}
