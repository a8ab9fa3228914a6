import { publicWidgetConfig } from "../shared/widget-config.ts";
import type { WidgetSettings } from "../shared/widget-settings.ts";
import type { App, WidgetState } from "./types.ts";

/**
 * The admin UI's live preview, the one script of `/widget-preview`: a project's page frames it in a
 * sandbox and posts the unsaved settings; this draws the real launcher and dialog (the dialog chunk
 * itself) from them. It cannot send anything: the page's CSP allows no connection at all, its sandbox
 * gives it an opaque origin (which the widget routes refuse) and forbids form submission, and it has
 * no storage. It only answers its parent: "ready", and the built-in strings of the language shown.
 */
type Preview = {
  type: "loupe-preview";
  settings: Omit<WidgetSettings, "allowedOrigins" | "storeIp">;
  labels: { id: string; name: string }[];
  lang: string;
  /** A line saying that this is a preview (in the admin UI's language). */
  note: string;
};

// Each language is the same chunk the dialog loads (no second copy of the strings).
const DIALOG = {
  en: () => import("./locales/en.ts"),
  de: () => import("./locales/de.ts"),
  fr: () => import("./locales/fr.ts"),
  es: () => import("./locales/es.ts"),
  it: () => import("./locales/it.ts"),
  nl: () => import("./locales/nl.ts"),
  pl: () => import("./locales/pl.ts"),
};
const EDITOR = {
  en: () => import("./locales/en.editor.ts"),
  de: () => import("./locales/de.editor.ts"),
  fr: () => import("./locales/fr.editor.ts"),
  es: () => import("./locales/es.editor.ts"),
  it: () => import("./locales/it.editor.ts"),
  nl: () => import("./locales/nl.editor.ts"),
  pl: () => import("./locales/pl.editor.ts"),
};

/** A page behind the widget: grey blocks for a header and text, so position and colour read as on a site. */
const PAGE_CSS =
  "html{color-scheme:light dark}body{margin:0;min-height:100vh;background:#f3f4f6;font:14px system-ui,sans-serif;color:#374151}" +
  "@media(prefers-color-scheme:dark){body{background:#1f2329;color:#d1d5db}.b{background:#2e333b!important}}" +
  ".b{background:#e2e5ea;border-radius:6px;margin:16px}.h{height:44px;margin:0 0 24px;border-radius:0}" +
  ".l{height:12px;width:60%}.l2{width:45%}.l3{width:70%}.k{height:120px;width:50%}" +
  ".n{position:fixed;top:12px;margin:0;left:50%;transform:translateX(-50%);padding:2px 10px;border-radius:10px;background:#0006;color:#fff;font-size:12px;white-space:nowrap}";

let shown: { host: HTMLElement; app: App } | undefined;
let dialogOpen = true;
let latest = 0;

function page(note: string) {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(PAGE_CSS);
  document.adoptedStyleSheets = [sheet];
  const block = (className: string) => Object.assign(document.createElement("div"), { className: `b ${className}` });
  const backdrop = document.createElement("div");
  backdrop.ariaHidden = "true";
  backdrop.append(block("h"), block("l"), block("l l2"), block("l l3"), block("k"), block("l l2"));
  const label = Object.assign(document.createElement("p"), { className: "n", textContent: note });
  document.body.replaceChildren(backdrop, label);
}

async function render(message: Preview) {
  const turn = ++latest;
  const lang = (message.lang in DIALOG ? message.lang : "en") as keyof typeof DIALOG;
  const config = publicWidgetConfig(
    { ...message.settings, storage: false },
    { widgetId: "preview", labels: message.labels },
  );
  const script = document.createElement("script");
  script.dataset.locale = lang;
  script.dataset.project = "preview";
  const host = document.createElement("loupe-widget");
  const s = {
    script,
    host,
    root: host.attachShadow({ mode: "open" }),
    q: [
      ["on", "open", () => (dialogOpen = true)],
      ["on", "close", () => (dialogOpen = false)],
    ],
    cleanup: [],
    config,
    ready: Promise.resolve(),
    ls: undefined,
    logs: [],
    draw() {},
  } as unknown as WidgetState;
  s.open = () => s.app!.then((a) => a.open());
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(config.launcherCss);
  s.root.adoptedStyleSheets = [sheet];
  if (config.appearance.launcher !== "none") {
    const launcher = document.createElement("button");
    launcher.ariaLabel = config.appearance.label;
    launcher.append(config.appearance.launcher === "tab" ? config.appearance.label : "");
    launcher.onclick = () => s.open();
    s.root.append(launcher);
  }
  s.app = import("./app.ts").then((m) => m.mountApp(s));
  const [app, dialog, editor] = await Promise.all([s.app, DIALOG[lang](), EDITOR[lang]()]);
  if (turn !== latest) return; // a newer change is on its way
  page(message.note);
  shown?.host.remove();
  document.body.append(host);
  shown = { host, app };
  // As a prompt opened by the rules would: the admin's keyboard stays in the settings form.
  if (dialogOpen) app.open(true);
  parent.postMessage({ type: "loupe-preview-strings", lang, dialog: dialog.default, editor: editor.default }, "*");
}

addEventListener("message", (event) => {
  const data = event.data as Preview | undefined;
  if (event.source !== parent || data?.type !== "loupe-preview") return;
  render(data).catch((error) => console.warn("Loupe preview", error));
});
parent.postMessage({ type: "loupe-preview-ready" }, "*");
