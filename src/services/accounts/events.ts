import { randomId } from "../../lib/crypto.ts";
import { insertActivityEvent } from "../../store/events.ts";
import type { ServiceContext } from "../context.ts";

/** Auth and account events, recorded with ids only (no email, no IP, no secret). */
export type ActivityType =
  | "login.succeeded"
  | "login.failed"
  | "login.locked_out"
  | "mfa.succeeded"
  | "mfa.failed"
  | "mfa.enabled"
  | "mfa.disabled"
  | "mfa.reset_by_admin"
  | "mfa.recovery_codes_regenerated"
  | "session.revoked"
  | "sessions.revoked_all"
  | "sessions.revoked_others"
  | "sessions.revoked_by_admin"
  | "token.created"
  | "token.revoked"
  | "sso.linked"
  | "sso.unlinked"
  | "sso.login"
  | "password.changed"
  | "password_reset.link_created"
  | "password_reset.completed"
  | "email.changed"
  | "user.created"
  | "user.disabled"
  | "user.enabled"
  | "instance.settings_changed"
  | "sso.provider_changed"
  | "reauth.succeeded"
  | "reauth.failed"
  | "access.denied";

export function recordEvent(
  ctx: ServiceContext,
  event: {
    type: ActivityType;
    userId?: string | null;
    actorId?: string | null;
    targetId?: string | null;
    teamId?: string | null;
    outcome?: "success" | "failure";
  },
): void {
  ctx.db.write(() =>
    insertActivityEvent(ctx.db, {
      id: randomId(),
      at: ctx.clock.now(),
      type: event.type,
      actor_id: event.actorId ?? event.userId ?? null,
      user_id: event.userId ?? null,
      target_id: event.targetId ?? null,
      team_id: event.teamId ?? null,
      outcome: event.outcome ?? "success",
    }),
  );
  ctx.logger.info("activity", {
    code: event.type,
    userId: event.userId ?? undefined,
    actorId: event.actorId ?? undefined,
    targetId: event.targetId ?? undefined,
  });
}
