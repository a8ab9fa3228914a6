import { constantTimeEqual, deriveKey, hmacSha256, randomId } from "../../lib/crypto.ts";
import { findDevice, insertDevice, touchDevice } from "../../store/throttles.ts";
import type { ServiceContext } from "../context.ts";

/**
 * Device cookies (OWASP "Slow down online guessing attacks with device cookies"): a browser that
 * signed in to an account before carries `deviceId.mac`; its failed attempts are counted on their
 * own, so an attacker hammering the account cannot lock the owner's known browser out.
 */
function mac(ctx: ServiceContext, deviceId: string): string {
  return hmacSha256(deriveKey(ctx.keyring.session, "loupe device cookie v1"), deviceId).subarray(0, 24).toString("base64url");
}

/** The device a cookie names, if its MAC is right and the device exists. */
export function readDeviceCookie(ctx: ServiceContext, cookie: string | undefined): { id: string; userId: string } | undefined {
  if (!cookie || cookie.length > 200) return undefined;
  const [id, tag] = cookie.split(".");
  if (!id || !tag || !constantTimeEqual(tag, mac(ctx, id))) return undefined;
  const device = findDevice(ctx.db, id);
  return device ? { id: device.id, userId: device.user_id } : undefined;
}

export function issueDeviceCookie(ctx: ServiceContext, userId: string): string {
  const id = randomId();
  ctx.db.write(() => insertDevice(ctx.db, id, userId, ctx.clock.now()));
  return `${id}.${mac(ctx, id)}`;
}

export function markDeviceUsed(ctx: ServiceContext, deviceId: string): void {
  ctx.db.write(() => touchDevice(ctx.db, deviceId, ctx.clock.now()));
}
