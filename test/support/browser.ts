import type { Hono } from "hono";
import type { AppEnv } from "../../src/http/app-env.ts";

/**
 * A browser-like client over app.request(): keeps cookies (honouring Max-Age=0 deletion), sends the
 * same-origin headers Loupe's own pages send on state-changing requests, and a client IP binding.
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  /** SameSite of each cookie, to send only Lax/None ones on a cross-site top-level navigation. */
  readonly sameSite = new Map<string, string>();
  lastSetCookies: string[] = [];
  /** With `app` null: where requests go; `origin` unless the server listens elsewhere (behind a proxy). */
  server: string;
  /** `app` null: a real HTTP client (fetch) against `origin`, for a server running as a process. */
  constructor(
    private readonly app: Hono<AppEnv> | null,
    readonly origin: string,
    public ip = "198.51.100.10",
    public userAgent = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
  ) {
    this.server = origin;
  }

  /** The same browser (address, user agent, cookies) talking to another app, e.g. a copy of a seeded one. */
  copyFor(app: Hono<AppEnv>): Browser {
    const copy = new Browser(app, this.origin, this.ip, this.userAgent);
    copy.server = this.server;
    for (const [name, value] of this.cookies) copy.cookies.set(name, value);
    for (const [name, value] of this.sameSite) copy.sameSite.set(name, value);
    return copy;
  }

  cookieHeader(crossSiteNavigation = false): string {
    return [...this.cookies]
      .filter(([k]) => !crossSiteNavigation || (this.sameSite.get(k) ?? "lax") !== "strict")
      .map(([k, v]) => `${k}=${v}`)
      .join("; ");
  }

  /** A top-level GET arriving from another site (an IdP's redirect): SameSite=Strict cookies stay home. */
  async navigateFromOtherSite(url: string): Promise<Response> {
    return this.request("GET", url.replace(this.origin, ""), undefined, {
      Cookie: this.cookieHeader(true),
      "Sec-Fetch-Site": "cross-site",
    });
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const h: Record<string, string> = { "User-Agent": this.userAgent, ...headers };
    if (this.cookies.size > 0 && !("Cookie" in h)) h.Cookie = this.cookieHeader();
    if (!["GET", "HEAD"].includes(method)) {
      h.Origin ??= this.origin;
      h["X-Requested-With"] ??= "loupe";
    }
    let payload: string | FormData | undefined;
    if (body instanceof FormData) {
      payload = body;
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      h["Content-Type"] = "application/json";
    }
    const init = { method, headers: h, body: payload, redirect: "manual" as const };
    const res = this.app
      ? await this.app.request(`${this.origin}${path}`, init, { clientIp: this.ip })
      : await fetch(`${this.server}${path}`, init);
    this.lastSetCookies = res.headers.getSetCookie();
    for (const line of this.lastSetCookies) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === "") this.cookies.delete(name);
      else {
        this.cookies.set(name, value);
        this.sameSite.set(name, (/samesite=(\w+)/i.exec(line)?.[1] ?? "lax").toLowerCase());
      }
    }
    return res;
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request("GET", path, undefined, headers);
  }
  post(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request("POST", path, body ?? {}, headers);
  }
  put(path: string, body?: unknown) {
    return this.request("PUT", path, body ?? {});
  }
  patch(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request("PATCH", path, body ?? {}, headers);
  }
  delete(path: string) {
    return this.request("DELETE", path);
  }
}
