import type { PublicWidgetConfig, WidgetSettings } from "./widget-settings.ts";

/**
 * What the widget gets from a project's settings, as a pure function: the server's config route and
 * the admin UI's live preview (which renders unsaved settings) make it the same way. No validation
 * library here: the widget's preview chunk imports this file.
 */

const COLOR = /^#[0-9a-f]{6}$/i;
const VERTICAL = ["top", "bottom"];
const HORIZONTAL = ["left", "right"];

/**
 * The launcher's stylesheet (adopted into the widget's shadow root, so a strict CSP allows it). Only
 * the colour (a `#rrggbb`) and the position (two known words) come from settings; anything else
 * (unsaved input in the preview) falls back to the defaults.
 */
export function launcherCss(appearance: Pick<WidgetSettings["appearance"], "color" | "position" | "launcher">): string {
  const c = COLOR.test(appearance.color) ? appearance.color : "#4f46e5";
  const [v = "", h = ""] = appearance.position.split("-");
  const vertical = VERTICAL.includes(v) ? v : "bottom";
  const horizontal = HORIZONTAL.includes(h) ? h : "right";
  // The round button's speech-bubble icon is drawn here too: no image, nothing a CSP could block.
  const icon =
    appearance.launcher === "tab"
      ? ""
      : `:host>button::before{content:"";display:block;width:20px;height:15px;margin:0 auto 4px;border-radius:3px;background:#fff}:host>button::after{content:"";position:absolute;left:16px;top:29px;border:4px solid;border-color:#fff transparent transparent #fff}`;
  return `:host{all:initial!important;zoom:1!important;--c:${c}}:host>button{position:fixed;${vertical}:20px;${horizontal}:20px;z-index:2147483647;min-width:48px;height:48px;padding:0 13px;border:0;border-radius:24px;background:${c};color:#fff;font:600 14px system-ui,sans-serif;cursor:pointer;box-shadow:0 2px 8px #0004}:host>button:focus-visible{outline:3px solid ${c};outline-offset:2px}${icon}`;
}

/**
 * The configuration the widget fetches: the settings without who may submit or what the server
 * stores (allowed origins, IP storage), with the category picker's labels by name (`labels`: the
 * team's, in order; those the settings do not offer are left out).
 */
export function publicWidgetConfig(
  settings: Omit<WidgetSettings, "allowedOrigins" | "storeIp" | "retentionDays"> &
    Partial<Pick<WidgetSettings, "allowedOrigins" | "storeIp" | "retentionDays">>,
  context: { widgetId: string; labels: readonly { id: string; name: string }[] },
): PublicWidgetConfig {
  const { allowedOrigins: _origins, storeIp: _storeIp, retentionDays: _retention, ...widget } = settings;
  const wanted = new Set(widget.fields.category.labelIds);
  const { labelIds: _ids, ...category } = widget.fields.category;
  const options = context.labels.filter((l) => wanted.has(l.id)).map((l) => ({ id: l.id, name: l.name }));
  const auto = widget.rules.autoOpen;
  const autoOpenRules =
    widget.rules.audience !== "nobody" &&
    (auto.afterSeconds !== null || auto.scrollPercent !== null || auto.exitIntent || auto.onEvents.length > 0);
  return {
    widgetId: context.widgetId,
    autoOpenRules,
    launcherCss: launcherCss(widget.appearance),
    ...widget,
    fields: { ...widget.fields, category: { ...category, options } },
  };
}
