// Invariant: Loupe's own origin may use every project's widget (its try page), and nothing else gets
// in that way. The try page /try/<key> embeds the widget under a policy that lets its scripts reach the
// widget's routes only, in a sandbox without popups, and shows nothing of the project or its team; an
// unknown or rotated key gets 404. The live preview page is sandboxed (opaque origin, which the widget
// routes refuse), connects nowhere and is framed only by Loupe. The preview's config is the server's.
import { afterEach, expect, test } from "bun:test";
import { getWidgetConfig } from "../../src/services/widget/widget.ts";
import { launcherCss, publicWidgetConfig } from "../../src/shared/widget-config.ts";
import type { WidgetSettings } from "../../src/shared/widget-settings.ts";
import { seedTeam } from "../support/teams.ts";
import { createTestApp, fastPasswords, type TestContext } from "../support/test-app.ts";

let t: TestContext | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

const LOUPE = "https://feedback.example.test";
const newId = () => crypto.randomUUID().replaceAll("-", "");

async function world() {
  t = createTestApp({ LOUPE_PUBLIC_URL: LOUPE }, { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000 });
  const a = await seedTeam(t, "alpha");
  // A project no website may use yet.
  const res = await a.owner.browser.post(`/api/v1/teams/${a.team.id}/projects`, { name: "Secret launch plans" });
  const fresh = (await res.json()) as { id: string; widgetKey: string; settings: { allowedOrigins: string[] } };
  const get = (path: string, headers: Record<string, string> = {}) =>
    t!.app.request(`${LOUPE}${path}`, { headers }, { clientIp: "203.0.113.9" });
  return { a, fresh, get };
}

test("the widget's routes accept Loupe's own origin for any project, same-origin requests too; nothing looser", async () => {
  const { fresh, get } = await world();
  expect(fresh.settings.allowedOrigins).toEqual([]);
  const config = `/api/v1/widget/${fresh.widgetKey}/config`;

  const own = await get(config, { Origin: LOUPE });
  expect(own.status).toBe(200);
  expect(own.headers.get("Access-Control-Allow-Origin")).toBe(LOUPE);
  // A browser's same-origin GET carries no Origin; it says where it comes from in Sec-Fetch-Site.
  const sameOrigin = await get(config, { "Sec-Fetch-Site": "same-origin" });
  expect(sameOrigin.status).toBe(200);
  expect(sameOrigin.headers.get("Access-Control-Allow-Origin")).toBeNull();

  const refused: Record<string, string>[] = [
    {},
    { "Sec-Fetch-Site": "cross-site" },
    { "Sec-Fetch-Site": "same-site" },
    { Origin: "null" }, // the sandboxed preview
    { Origin: "null", "Sec-Fetch-Site": "same-origin" },
    { Origin: `${LOUPE}.evil.example` },
    { Origin: "http://feedback.example.test" },
    { Origin: "https://feedback.example.test:8443" },
    { Origin: "https://evil.example", "Sec-Fetch-Site": "same-origin" },
  ];
  for (const headers of refused) {
    const res = await get(config, headers);
    expect(`${JSON.stringify(headers)} ${res.status} ${res.headers.get("Access-Control-Allow-Origin")}`).toBe(
      `${JSON.stringify(headers)} 403 null`,
    );
  }

  const submit = await t!.app.request(
    `${LOUPE}/api/v1/widget/${fresh.widgetKey}/feedback`,
    {
      method: "POST",
      headers: { Origin: LOUPE, "Content-Type": "application/json" },
      body: JSON.stringify({ comment: "From the try page", idempotencyId: newId() }),
    },
    { clientIp: "203.0.113.9" },
  );
  expect(submit.status).toBe(201);
  // No credentials are involved: the answer sets no cookie.
  expect(submit.headers.get("Set-Cookie")).toBeNull();
});

test("GET /try/<key>: the widget under a policy of its own, nothing of the project; 404 for unknown, malformed or rotated keys", async () => {
  const { a, fresh, get } = await world();
  const res = await get(`/try/${fresh.widgetKey}`);
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
  expect(res.headers.get("Content-Security-Policy")).toBe(
    `default-src 'none'; script-src ${LOUPE}/widget.js ${LOUPE}/widget/; connect-src ${LOUPE}/api/v1/widget/; img-src data: blob:; style-src ${LOUPE}/admin/; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'; sandbox allow-scripts allow-same-origin allow-forms`,
  );
  expect(res.headers.get("X-Frame-Options")).toBe("DENY");
  expect(res.headers.get("Cross-Origin-Opener-Policy")).toBe("same-origin");
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  const html = await res.text();
  expect(html).toContain(`<script async src="${LOUPE}/widget.js" data-project="${fresh.widgetKey}"></script>`);
  expect(html).toContain('<html lang="en">');
  for (const secret of ["Secret launch plans", "alpha", a.team.id, fresh.id])
    expect(`${secret} ${html.includes(secret)}`).toBe(`${secret} false`);
  // No inline script or style: the policy would refuse them anyway.
  expect(html.match(/<script\b[^>]*>/g)).toEqual([
    `<script async src="${LOUPE}/widget.js" data-project="${fresh.widgetKey}">`,
  ]);
  expect(/<style|\sstyle=|\son[a-z]+=/i.test(html)).toBe(false);

  const german = await get(`/try/${fresh.widgetKey}`, { "Accept-Language": "de-AT,de;q=0.9,en;q=0.5" });
  expect(await german.text()).toContain('<html lang="de">');
  expect(german.headers.get("Vary")).toContain("Accept-Language");

  for (const key of ["lpk_unknownunknownunknown", "not-a-key", "lpk_%3Cscript%3E", `${fresh.widgetKey}x`]) {
    const missing = await get(`/try/${key}`);
    expect(`${key} ${missing.status}`).toBe(`${key} 404`);
    const page = await missing.text();
    expect(page).not.toContain("<script");
    expect(page).not.toContain("<script>");
  }
  // Rotating the key ends the link.
  await a.owner.browser.post(`/api/v1/teams/${a.team.id}/projects/${fresh.id}/widget-key`);
  expect((await get(`/try/${fresh.widgetKey}`)).status).toBe(404);
});

test("GET /widget-preview: sandboxed with an opaque origin, connects nowhere, framed only by Loupe", async () => {
  const { get } = await world();
  const res = await get("/widget-preview");
  expect(res.status).toBe(200);
  const csp = res.headers.get("Content-Security-Policy")!;
  expect(csp).toBe(
    "default-src 'none'; script-src 'self'; img-src data: blob:; connect-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'; object-src 'none'; sandbox allow-scripts",
  );
  // Framed by the admin UI: no X-Frame-Options DENY here (frame-ancestors says who may).
  expect(res.headers.get("X-Frame-Options")).toBeNull();
  const html = await res.text();
  expect(html).toMatch(/^<!doctype html>.*<script type="module" src="\/widget\/preview-[a-z0-9]+\.js"><\/script>/);
  // The admin UI's own page may frame nothing but same-origin pages (the preview).
  const ui = await get("/projects/abc");
  expect(ui.headers.get("Content-Security-Policy")).toContain("default-src 'self'");
  expect(ui.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
});

test("the preview's configuration is the server's: the same pure function; unsafe appearance text falls back", async () => {
  const { a, fresh } = await world();
  const label = await a.owner.browser.post(`/api/v1/teams/${a.team.id}/labels`, { name: "billing", color: "#112233" });
  const billing = (await label.json()) as { id: string };
  const patched = await a.owner.browser.patch(`/api/v1/teams/${a.team.id}/projects/${fresh.id}`, {
    settings: {
      appearance: { color: "#aa0044", position: "top-left", launcher: "tab", label: "Bugs?" },
      fields: { category: { enabled: true, labelIds: [billing.id, a.label.id] } },
      rules: { autoOpen: { afterSeconds: 5 } },
    },
  });
  const project = (await patched.json()) as { id: string; settings: WidgetSettings };
  const server = getWidgetConfig(t!.ctx, { id: project.id, teamId: a.team.id, settings: project.settings });
  // The admin UI hands the preview the team's labels as the labels route lists them.
  const { labels } = (await (await a.owner.browser.get(`/api/v1/teams/${a.team.id}/labels`)).json()) as {
    labels: { id: string; name: string }[];
  };
  expect(publicWidgetConfig(project.settings, { widgetId: project.id, labels })).toEqual(server);
  expect(server.fields.category.options.map((o) => o.name).sort()).toEqual(["billing", "bug"]);
  expect(server.autoOpenRules).toBe(true);
  expect("allowedOrigins" in server || "storeIp" in server).toBe(false);

  // Unsaved input in the preview is not validated: the stylesheet takes only a colour and known words.
  const css = launcherCss({ color: "red;}*{display:none", position: "top-left;x" as "top-left", launcher: "button" });
  expect(css).toContain("--c:#4f46e5");
  expect(css).toContain("top:20px;right:20px;"); // "left;x" is no side: the default
  expect(css).not.toContain("display:none");
});
