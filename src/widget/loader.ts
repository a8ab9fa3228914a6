import type { PublicWidgetConfig } from "../shared/widget-settings.ts";
import type { Command, WidgetState } from "./types.ts";

/**
 * `widget.js`, the loader a site embeds (budget: 1 KB min+gzip). A classic script: it reads its
 * `data-*`, turns the page's command queue into `window.Loupe` (every call is recorded in `s.q` and
 * read by the chunks), fetches the public configuration and draws the launcher when the browser is
 * idle, and imports the dialog only when the visitor (or the page) opens it. It injects one
 * `<loupe-widget>` element with an open shadow root styled by a constructable stylesheet: nothing a
 * strict CSP blocks, and no global but `window.Loupe`. No static import: it must stay a classic script.
 */
/** The chunks' content-hashed paths, relative to this script's URL (scripts/build-assets.ts defines them). */
declare const __LOUPE_APP__: string;
declare const __LOUPE_RULES__: string;
declare const __LOUPE_CONSOLE__: string;
const w = window as unknown as { Loupe?: unknown; requestIdleCallback?: (f: () => void) => void };
const script = document.currentScript as HTMLScriptElement;
const host = document.createElement("loupe-widget");
const s = { script, host, root: host.attachShadow({ mode: "open" }), q: [], cleanup: [] } as unknown as WidgetState;
let launcher: HTMLButtonElement | undefined;
const chunk = (path: string) => import(new URL(path, script.src).href);
const dialog = (): Promise<typeof import("./app.ts")> => chunk(__LOUPE_APP__);

s.draw = () => {
  const cfg = s.config;
  if (!launcher || !cfg) return;
  let forced = "";
  for (const [name] of s.q) if (name === "show" || name === "hide") forced = name;
  // Hidden by Loupe.hide(), by the project (no launcher), or by the visitor for some days.
  launcher.hidden = forced
    ? forced === "hide"
    : cfg.appearance.launcher === "none" ||
      Number(cfg.storage && s.ls?.getItem(`us-bubbleHiddenAt_${cfg.widgetId}`)) +
        cfg.appearance.visitorMayHideDays * 864e5 >
        Date.now();
};
s.open = (auto) =>
  s.ready.then(() => {
    if (!s.config) return;
    s.app ??= dialog().then((m) => m.mountApp(s));
    return s.app.then((a) => a.open(auto));
  });

// Every call is recorded in s.q, where the chunks read listeners, custom data, identity and events.
const run = (name: string, ...args: unknown[]): unknown => {
  s.q.push([name, ...args]);
  if (name === "open") s.open();
  // Nothing to close before the dialog exists; debug and destroy are carried out by the dialog chunk.
  else if (name === "close") s.app?.then((a) => a.close());
  else if (/^de(bug|stroy)$/.test(name)) return dialog().then((m): unknown => m[name as "debug" | "destroy"](s));
  s.draw();
  s.tick?.();
};
const api: Record<string, unknown> = { push: (command: Command) => run(...command) };
for (const name of "open close show hide on setCustomData identify logEvent debug destroy".split(" "))
  api[name] = run.bind(null, name);

function boot() {
  try {
    s.ls = localStorage;
  } catch {
    // blocked (sandboxed frame, disabled storage): every visit is a first one
  }
  return fetch(new URL(`/api/v1/widget/${script.dataset.project}/config`, script.src), { credentials: "omit" })
    .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
    .then((cfg: PublicWidgetConfig) => {
      s.config = cfg;
      const look = cfg.appearance;
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(cfg.launcherCss);
      s.root.adoptedStyleSheets = [sheet];
      launcher = document.createElement("button");
      // A round button (the stylesheet draws its icon) or a tab with the label.
      launcher.ariaLabel = look.label;
      launcher.append(look.launcher === "tab" ? look.label : "");
      launcher.onclick = () => s.open();
      s.draw();
      s.root.append(launcher);
      // The page's nonce goes with the one element the widget injects (browsers hide the attribute anyway).
      host.nonce = script.nonce;
      document.body.append(host);
      // Only for projects that need them: console capture (from page load on) and automatic prompts.
      for (const [path, wanted] of [
        [__LOUPE_CONSOLE__, cfg.consoleCapture],
        [__LOUPE_RULES__, cfg.autoOpenRules],
      ] as const)
        if (wanted) (chunk(path) as Promise<typeof import("./rules.ts")>).then((m) => m.start(s));
    })
    .catch((status) => console.warn("Loupe", status));
}

// Embedded twice? The first copy stays in charge.
if (!(w.Loupe as { open?: unknown } | undefined)?.open) {
  s.ready = new Promise((done) => (w.requestIdleCallback ?? setTimeout)(() => done(boot())));
  for (const command of (w.Loupe as Command[] | undefined) ?? []) run(...command);
  w.Loupe = api;
}
