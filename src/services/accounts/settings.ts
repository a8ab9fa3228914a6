import { readSettings, writeSetting } from "../../store/settings.ts";
import { appendAudit } from "../audit/audit.ts";
import type { ServiceContext } from "../context.ts";
import { recordEvent } from "./events.ts";

/** Security settings the instance admin changes at run time (stored in the database). */
export type InstanceSettings = {
  /** Inactivity timeout of sessions (NIST AAL2: ≤ 30 min is the default). */
  sessionIdleMinutes: number;
  /** Absolute lifetime of a session, whatever the activity. */
  sessionAbsoluteHours: number;
  /** How far back a TOTP code is still accepted: 5 s by default, 0 for the current step only. */
  totpToleranceSeconds: number;
  /** How long audit-trail entries are kept (then pruned, leaving a checkpoint). */
  auditRetentionDays: number;
};

export const DEFAULT_SETTINGS: InstanceSettings = {
  sessionIdleMinutes: 30,
  sessionAbsoluteHours: 12,
  totpToleranceSeconds: 5,
  auditRetentionDays: 365,
};

/** The allowed range of each setting, enforced on read too: a value written around the API cannot escape it. */
const BOUNDS: Record<keyof InstanceSettings, [number, number]> = {
  sessionIdleMinutes: [5, 240],
  sessionAbsoluteHours: [1, 24],
  totpToleranceSeconds: [0, 30],
  auditRetentionDays: [30, 3650],
};

const KEYS: Record<keyof InstanceSettings, string> = {
  sessionIdleMinutes: "session_idle_minutes",
  sessionAbsoluteHours: "session_absolute_hours",
  totpToleranceSeconds: "totp_tolerance_seconds",
  auditRetentionDays: "audit_retention_days",
};

/** Read on every authenticated request, so kept in memory; only updateInstanceSettings changes them. */
const cache = new WeakMap<object, InstanceSettings>();

export function getInstanceSettings(ctx: Pick<ServiceContext, "db">): InstanceSettings {
  const cached = cache.get(ctx.db);
  if (cached) return cached;
  const stored = readSettings(ctx.db);
  const out = { ...DEFAULT_SETTINGS };
  for (const [name, key] of Object.entries(KEYS) as [keyof InstanceSettings, string][]) {
    const value = Number(stored[key]);
    if (stored[key] !== undefined && Number.isInteger(value))
      out[name] = Math.min(Math.max(value, BOUNDS[name][0]), BOUNDS[name][1]);
  }
  cache.set(ctx.db, Object.freeze(out));
  return out;
}

export function updateInstanceSettings(
  ctx: ServiceContext,
  input: { changes: Partial<InstanceSettings>; actorId: string },
): InstanceSettings {
  const { changes, actorId } = input;
  const now = ctx.clock.now();
  ctx.db.write(() => {
    for (const [name, value] of Object.entries(changes) as [keyof InstanceSettings, number | undefined][]) {
      if (value !== undefined) writeSetting(ctx.db, KEYS[name], String(value), now);
    }
    appendAudit(ctx, { action: "instance.settings_changed", actorId });
  });
  cache.delete(ctx.db);
  recordEvent(ctx, { type: "instance.settings_changed", actorId, userId: actorId });
  return getInstanceSettings(ctx);
}
