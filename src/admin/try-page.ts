import { Hono } from "hono";
import type { AppEnv } from "../http/app-env.ts";
import { publicAction } from "../http/authorize.ts";
import { describeRoute } from "../http/openapi.ts";
import { permissionsPolicy } from "../http/security-headers.ts";
import type { BuiltAssets } from "../lib/built-assets.ts";
import type { ServiceContext } from "../services/context.ts";
import { widgetKeyExists } from "../services/widget/widget.ts";

const WIDGET_KEY = /^lpk_[A-Za-z0-9_-]{16,64}$/;

/**
 * The try page's policy: the widget's files and its public routes, Loupe's stylesheet, nothing else.
 * The sandbox keeps Loupe's origin (the widget routes accept it) but allows no popup, no modal and no
 * plugin, and the paths keep its scripts away from every other API: only Loupe's own code runs here.
 */
export function tryPageCsp(origin: string): string {
  return [
    "default-src 'none'",
    `script-src ${origin}/widget.js ${origin}/widget/`,
    `connect-src ${origin}/api/v1/widget/`,
    "img-src data: blob:",
    `style-src ${origin}/admin/`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
    "sandbox allow-scripts allow-same-origin allow-forms",
  ].join("; ");
}

const STRINGS = {
  en: {
    title: "Try your feedback widget",
    tag: "Loupe · test page",
    intro:
      "Loupe serves this page so that you can try a project's widget without a website of your own. Press the feedback button, write a line, add a screenshot and send it: the item appears in the project's inbox.",
    demo: "A sample checkout (nothing here is real)",
    demoIntro:
      "The fields hold a made-up name, email address and card number. In the screenshot, form fields are blacked out (unless the project turned that off), and so is the box marked private.",
    name: "Name",
    email: "Email",
    card: "Card number",
    privateBox: "Marked private (data-loupe-private): saved card 4111 1111 1111 1111",
    text: "Order confirmation goes to ana.demo@example.com. This sentence is blacked out in screenshots only where the project masks emails and card numbers in text.",
    who: "Anyone with this link can send feedback to the project here, as anyone can from a website that embeds its widget. Rotating the widget key ends this link.",
    goneTitle: "This test page is gone",
    gone: "No project has this widget key: it was rotated, or the project was deleted. Open the project in Loupe for its current test page.",
  },
  de: {
    title: "Ihr Feedback-Widget ausprobieren",
    tag: "Loupe · Testseite",
    intro:
      "Loupe stellt diese Seite bereit, damit Sie das Widget eines Projekts ohne eigene Website ausprobieren können. Drücken Sie den Feedback-Knopf, schreiben Sie eine Zeile, fügen Sie einen Screenshot hinzu und senden Sie ihn ab: Der Eintrag erscheint im Posteingang des Projekts.",
    demo: "Ein Beispiel-Bestellformular (nichts davon ist echt)",
    demoIntro:
      "Die Felder enthalten einen erfundenen Namen, eine erfundene E-Mail-Adresse und Kartennummer. Im Screenshot werden Formularfelder geschwärzt (sofern das Projekt es nicht abgeschaltet hat), ebenso der als privat markierte Kasten.",
    name: "Name",
    email: "E-Mail",
    card: "Kartennummer",
    privateBox: "Als privat markiert (data-loupe-private): gespeicherte Karte 4111 1111 1111 1111",
    text: "Die Bestellbestätigung geht an ana.demo@example.com. Dieser Satz wird in Screenshots nur geschwärzt, wenn das Projekt E-Mail-Adressen und Kartennummern im Text maskiert.",
    who: "Jede Person mit diesem Link kann hier Feedback an das Projekt senden, so wie von jeder Website aus, die sein Widget einbindet. Wird der Widget-Schlüssel erneuert, endet dieser Link.",
    goneTitle: "Diese Testseite gibt es nicht mehr",
    gone: "Kein Projekt hat diesen Widget-Schlüssel: Er wurde erneuert oder das Projekt gelöscht. Öffnen Sie das Projekt in Loupe, um zur aktuellen Testseite zu gelangen.",
  },
};

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** German when the browser prefers it over English, else English. */
function language(accept: string | undefined): keyof typeof STRINGS {
  for (const part of (accept ?? "").split(",")) {
    const tag = part.trim().slice(0, 2).toLowerCase();
    if (tag === "de" || tag === "en") return tag;
  }
  return "en";
}

function html(lang: keyof typeof STRINGS, stylesheet: string | undefined, title: string, body: string): string {
  const link = stylesheet ? `<link rel="stylesheet" href="${escapeHtml(stylesheet)}">` : "";
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>${link}</head><body class="area-project">${body}</body></html>\n`;
}

/**
 * GET /try/:widgetKey — a page served by Loupe that embeds the project's widget exactly as a site
 * would, with a sample form (a made-up email and card number) to show what screenshots black out.
 * It shows nothing of the project or its team; the key is the public one every embedding page holds.
 */
export function tryPageRoutes(deps: { ctx: ServiceContext; assets: BuiltAssets }) {
  const { ctx, assets } = deps;
  const origin = ctx.publicOrigin;
  return new Hono<AppEnv>().get(
    "/try/:widgetKey",
    publicAction,
    describeRoute({
      tags: ["admin UI"],
      summary:
        "A test page that embeds a project's widget (its key is the public one), so a team can send a first item without a website; Loupe's own origin is always allowed for the widget",
      responses: {
        200: { description: "The test page (HTML)" },
        404: { description: "No project has this widget key (HTML)" },
      },
    }),
    (c) => {
      const key = c.req.param("widgetKey");
      const lang = language(c.req.header("Accept-Language"));
      const s = STRINGS[lang];
      const stylesheet = [...assets.keys()].find((path) => path.startsWith("/admin/styles-") && path.endsWith(".css"));
      const headers = {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": tryPageCsp(origin),
        "Cross-Origin-Opener-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        // The widget runs in this page: its fallback capture of the tab needs display-capture here.
        "Permissions-Policy": permissionsPolicy(["display-capture"]),
        Vary: "Accept-Language",
      };
      if (!WIDGET_KEY.test(key) || !widgetKeyExists(ctx, key)) {
        const body = `<main class="page try-page"><h1>${escapeHtml(s.goneTitle)}</h1><p>${escapeHtml(s.gone)}</p></main>`;
        return c.body(html(lang, stylesheet, s.goneTitle, body), 404, headers);
      }
      const field = (label: string, value: string, extra = "") =>
        `<label>${escapeHtml(label)}<input value="${escapeHtml(value)}" autocomplete="off"${extra}></label>`;
      const body = `<main class="page try-page">
<p class="try-tag">${escapeHtml(s.tag)}</p>
<h1>${escapeHtml(s.title)}</h1>
<p>${escapeHtml(s.intro)}</p>
<section class="panel" aria-labelledby="demo">
<h2 id="demo">${escapeHtml(s.demo)}</h2>
<p>${escapeHtml(s.demoIntro)}</p>
<div class="try-form">
${field(s.name, "Ana Demo")}
${field(s.email, "ana.demo@example.com", ' type="email"')}
${field(s.card, "4111 1111 1111 1111", ' inputmode="numeric"')}
</div>
<p class="try-private" data-loupe-private>${escapeHtml(s.privateBox)}</p>
<p>${escapeHtml(s.text)}</p>
</section>
<p class="hint">${escapeHtml(s.who)}</p>
</main>
<script async src="${escapeHtml(origin)}/widget.js" data-project="${escapeHtml(key)}"></script>`;
      return c.body(html(lang, stylesheet, s.title, body), 200, headers);
    },
  );
}
