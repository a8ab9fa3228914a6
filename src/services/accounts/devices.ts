import { constantTimeEqual, deriveKey, hmacSha256, randomId } from "../../lib/crypto.ts";
import { findDevice, insertDevice, touchDevice } from "../../store/throttles.ts";
import type { ServiceContext } from "../context.ts";

/**
 * Device cookies (OWASP "Slow down online guessing attacks with device cookies"): a browser that
 * signed in to an account before carries `deviceId.mac`; its failed attempts are counted on their
 * own, so an attacker hammering the account cannot lock the owner's known browser out.
 */
const macKeys = new WeakMap<object, Buffer>();

function mac(ctx: ServiceContext, deviceId: string): string {
  let key = macKeys.get(ctx.keyring);
  if (!key) {
    key = deriveKey(ctx.keyring.session, "loupe device cookie v1");
    macKeys.set(ctx.keyring, key);
  }
  return hmacSha256(key, deviceId).subarray(0, 24).toString("base64url");
}

/** The device a cookie names, if its MAC is right and the device exists. */
export function readDeviceCookie(
  ctx: ServiceContext,
  cookie: string | undefined,
): { id: string; userId: string; lastUsedAt: number } | undefined {
  if (!cookie || cookie.length > 200) return undefined;
  const [id, tag] = cookie.split(".");
  if (!id || !tag || !constantTimeEqual(tag, mac(ctx, id))) return undefined;
  const device = findDevice(ctx.db, id);
  return device ? { id: device.id, userId: device.user_id, lastUsedAt: device.last_used_at } : undefined;
}

export function issueDeviceCookie(ctx: ServiceContext, userId: string): string {
  const id = randomId();
  ctx.db.write(() => insertDevice(ctx.db, id, userId, ctx.clock.now()));
  return `${id}.${mac(ctx, id)}`;
}

/** Records that a device signed in again (at most once a day: it only serves housekeeping). */
export function markDeviceUsed(ctx: ServiceContext, device: { id: string; lastUsedAt: number }): void {
  const now = ctx.clock.now();
  if (now - device.lastUsedAt >= 86_400_000) ctx.db.write(() => touchDevice(ctx.db, device.id, now));
}
