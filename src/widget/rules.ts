import { evaluatePrompt, type VisitorState } from "../shared/display-rules.ts";

export { evaluatePrompt };

import { events, forced, identity } from "./commands.ts";
import { getKey, setKey } from "./storage.ts";
import type { WidgetState } from "./types.ts";
import { deviceType, pageUrl, reporterId } from "./visitor.ts";

/**
 * The display-rule chunk (budget 2 KB), loaded at idle time only for projects whose prompt may open
 * by itself: it watches time, scrolling, exit intent and `Loupe.logEvent()`, re-evaluates the shared
 * rule function on each, and opens the prompt once when the rules say so.
 */
let scrolled = 0;
let exitIntent = false;
/** When the page loaded (ms since the epoch), for "after N seconds". */
const loadedAt = Date.now() - performance.now();

/** What the rules know of this visitor now. */
export function visitorState(s: WidgetState): VisitorState {
  const answer = getKey(s, "ShowAgainAction");
  return {
    now: Date.now(),
    url: pageUrl(s),
    device: deviceType(),
    identified: !!identity(s),
    reporterId: s.config!.rules.samplePercent < 100 ? reporterId(s) : "",
    timesShown: Number(getKey(s, "TimesShown")) || 0,
    lastAnswer:
      answer === "dismiss" || answer === "submit"
        ? { action: answer, at: Number(getKey(s, "ShowAgainTimestamp")) }
        : null,
    launcherHiddenAt: Number(getKey(s, "bubbleHiddenAt")) || null,
    forced: forced(s),
    secondsOnPage: (Date.now() - loadedAt) / 1000,
    scrollPercent: scrolled,
    exitIntent,
    events: events(s),
  };
}

/** Starts watching the page; `Loupe.destroy()` removes every listener and timer it added. */
export function start(s: WidgetState): void {
  if (!s.host.isConnected) return; // destroyed while this chunk loaded
  let opened = false;
  const tick = () => {
    if (opened || !evaluatePrompt(s.config!.rules, visitorState(s)).autoOpen) return;
    opened = true;
    setKey(s, "TimesShown", String((Number(getKey(s, "TimesShown")) || 0) + 1));
    setKey(s, "WidgetShownOnce", "true");
    s.open(true);
  };
  const onScroll = () => {
    const max = document.documentElement.scrollHeight - innerHeight;
    scrolled = Math.max(scrolled, max > 0 ? Math.round((scrollY / max) * 100) : 100);
    tick();
  };
  const onLeave = (e: MouseEvent) => {
    exitIntent ||= e.clientY <= 0 && !e.relatedTarget;
    tick();
  };
  const seconds = s.config!.rules.autoOpen.afterSeconds;
  // The delay ends, then eligibility is checked again (the visitor may have answered meanwhile).
  const timer = seconds && setTimeout(tick, seconds * 1000 - (Date.now() - loadedAt));
  addEventListener("scroll", onScroll, { passive: true });
  document.addEventListener("mouseout", onLeave);
  s.tick = tick;
  s.cleanup.push(() => {
    clearTimeout(timer || undefined);
    removeEventListener("scroll", onScroll);
    document.removeEventListener("mouseout", onLeave);
  });
  tick();
}
