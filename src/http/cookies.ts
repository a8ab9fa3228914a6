import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "./app-env.ts";

/**
 * Cookie names and attributes. With an https public URL: `__Host-` prefix, Secure, Path=/, no Domain.
 * With plain http (development only) the same cookies without the prefix and Secure.
 */
export type CookieNames = { session: string; device: string; sso: string; mfa: string; secure: boolean };

export function cookieNames(secure: boolean): CookieNames {
  const prefix = secure ? "__Host-" : "";
  return {
    session: `${prefix}loupe_session`,
    device: `${prefix}loupe_device`,
    sso: `${prefix}loupe_sso`,
    mfa: `${prefix}loupe_mfa`,
    secure,
  };
}

export function setSessionCookie<E extends AppEnv>(
  c: Context<E>,
  names: CookieNames,
  token: string,
  maxAgeSeconds: number,
): void {
  setCookie(c, names.session, token, {
    httpOnly: true,
    secure: names.secure,
    sameSite: "Strict",
    path: "/",
    maxAge: Math.max(0, Math.floor(maxAgeSeconds)),
  });
}

export function clearSessionCookie<E extends AppEnv>(c: Context<E>, names: CookieNames): void {
  deleteCookie(c, names.session, { path: "/", secure: names.secure, httpOnly: true, sameSite: "Strict" });
}

export function setDeviceCookie<E extends AppEnv>(c: Context<E>, names: CookieNames, value: string): void {
  setCookie(c, names.device, value, {
    httpOnly: true,
    secure: names.secure,
    sameSite: "Strict",
    path: "/",
    maxAge: 365 * 86_400,
  });
}

/** The SSO pre-auth cookie is SameSite=Lax: the IdP's redirect back is a cross-site navigation. */
export function setSsoCookie<E extends AppEnv>(c: Context<E>, names: CookieNames, value: string): void {
  setCookie(c, names.sso, value, { httpOnly: true, secure: names.secure, sameSite: "Lax", path: "/", maxAge: 600 });
}

export function clearSsoCookie<E extends AppEnv>(c: Context<E>, names: CookieNames): void {
  deleteCookie(c, names.sso, { path: "/", secure: names.secure, httpOnly: true, sameSite: "Lax" });
}

/** Binds a sign-in challenge to this browser for its 5 minutes. */
export function setMfaCookie<E extends AppEnv>(c: Context<E>, names: CookieNames, value: string): void {
  setCookie(c, names.mfa, value, { httpOnly: true, secure: names.secure, sameSite: "Strict", path: "/", maxAge: 300 });
}

export function clearMfaCookie<E extends AppEnv>(c: Context<E>, names: CookieNames): void {
  deleteCookie(c, names.mfa, { path: "/", secure: names.secure, httpOnly: true, sameSite: "Strict" });
}

export { getCookie };
