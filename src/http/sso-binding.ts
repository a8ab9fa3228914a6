import type { Context } from "hono";
import { randomId } from "../lib/crypto.ts";
import type { AppEnv } from "./app-env.ts";
import { type CookieNames, setSsoCookie } from "./cookies.ts";

/** A fresh random value in the SameSite=Lax pre-auth cookie; the server keeps only its hash. */
export function bindBrowserForSso<E extends AppEnv>(c: Context<E>, cookies: CookieNames): string {
  const binding = randomId(32);
  setSsoCookie(c, cookies, binding);
  return binding;
}
