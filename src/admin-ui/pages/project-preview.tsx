import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { evaluateDisplayRules } from "../../shared/display-decision.ts";
import type { Check, Device, VisitorState } from "../../shared/display-rules.ts";
import { Badge } from "../components.tsx";
import { t } from "../i18n.ts";
import { CheckControl, NumberControl, SelectControl, TextControl } from "./project-controls.tsx";
import {
  type BuiltInStrings,
  type Label,
  type Settings,
  WIDGET_LANGUAGES,
  type WidgetLanguage,
} from "./project-settings.tsx";

/** The preview's screens: wider than the widget's 480 px phone layout, and a phone. */
const SCREENS = { wide: { width: 520, height: 660 }, phone: { width: 360, height: 640 } } as const;

const STRING_KEY = /^[a-zA-Z][a-zA-Z0-9_.]{0,63}$/;
/** Only plain string entries with plausible keys (the preview frame is sandboxed, but still checked). */
function stringsOf(value: unknown): Record<string, string> | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  return Object.fromEntries(
    Object.entries(value).filter(([key, text]) => STRING_KEY.test(key) && typeof text === "string"),
  ) as Record<string, string>;
}

/**
 * The live preview: `/widget-preview` in a sandboxed frame (scripts only: an opaque origin, no
 * cookies, no storage, no connection, no form submission) that draws the real launcher and dialog from
 * the unsaved settings posted to it. Only the widget's part of the settings goes there (not who may
 * submit, not IP storage). It answers with the built-in strings of the language shown.
 */
export function Preview(props: {
  draft: Settings;
  labels: Label[] | undefined;
  lang: WidgetLanguage;
  onLang: (lang: WidgetLanguage) => void;
  onStrings: (strings: BuiltInStrings) => void;
}) {
  const frame = useRef<HTMLIFrameElement>(null);
  const latest = useRef(props);
  latest.current = props;
  const send = () => {
    const { draft, labels, lang } = latest.current;
    const { allowedOrigins: _origins, storeIp: _ip, ...settings } = draft;
    frame.current?.contentWindow?.postMessage(
      {
        type: "loupe-preview",
        settings,
        labels: (labels ?? []).map((l) => ({ id: l.id, name: l.name })),
        lang,
        note: t.previewNote,
      },
      // The frame's origin is opaque ("null"): it cannot be named; the message holds nothing secret.
      "*",
    );
  };
  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      if (!frame.current || event.source !== frame.current.contentWindow) return;
      const data = event.data as { type?: unknown; lang?: unknown; dialog?: unknown; editor?: unknown } | null;
      if (data?.type === "loupe-preview-ready") send();
      if (data?.type === "loupe-preview-strings" && typeof data.lang === "string") {
        const dialog = stringsOf(data.dialog);
        const editor = stringsOf(data.editor);
        if (dialog && editor) latest.current.onStrings({ lang: data.lang, dialog, editor });
      }
    };
    addEventListener("message", onMessage);
    return () => removeEventListener("message", onMessage);
  }, []);
  useEffect(() => {
    const timer = setTimeout(send, 60);
    return () => clearTimeout(timer);
  }, [props.draft, props.labels, props.lang]);
  // The frame is laid out at a real screen's width (the widget's layout depends on it) and scaled
  // down to the column (CSSOM geometry: the strict CSP allows it, unlike a style attribute).
  const [screen, setScreen] = useState<keyof typeof SCREENS>(
    matchMedia("(max-width: 720px)").matches ? "phone" : "wide",
  );
  const box = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const viewport = box.current;
    const iframe = frame.current;
    if (!viewport || !iframe) return;
    const size = SCREENS[screen];
    const fit = () => {
      const scale = Math.min(1, viewport.clientWidth / size.width);
      iframe.style.transform = `scale(${scale})`;
      viewport.style.height = `${Math.ceil(size.height * scale)}px`;
    };
    const observer = new ResizeObserver(fit);
    observer.observe(viewport);
    fit();
    return () => observer.disconnect();
  }, [screen]);
  return (
    <section class="panel preview" id="preview" aria-labelledby="preview-title">
      <header class="section-head">
        <h2 id="preview-title">{t.preview}</h2>
        <Badge>{t.unsavedShown}</Badge>
      </header>
      <div class="controls two">
        <SelectControl
          path="preview-screen"
          label={t.previewScreen}
          value={screen}
          options={[
            ["wide", t.screenWide],
            ["phone", t.screenPhone],
          ]}
          onChange={setScreen}
        />
        <SelectControl
          path="preview-language"
          label={t.previewLanguage}
          value={props.lang}
          options={WIDGET_LANGUAGES.map((l) => [l, t[`lang_${l}`]] as const)}
          onChange={props.onLang}
        />
      </div>
      <div class="preview-viewport" ref={box}>
        <iframe
          ref={frame}
          class="preview-frame"
          title={t.previewFrame}
          src="/widget-preview"
          sandbox="allow-scripts"
          referrerpolicy="no-referrer"
          width={SCREENS[screen].width}
          height={SCREENS[screen].height}
        />
      </div>
      <p class="hint">{t.previewHint}</p>
    </section>
  );
}

const DAY = 86_400_000;
const strip = (url: string) => url.split(/[?#]/, 1)[0] ?? url;

/**
 * "Would the widget show on this URL?": a simulated visitor run through the same pure function the
 * widget uses (`evaluateDisplayRules`), with the unsaved rules, and every check's verdict in words.
 */
export function RuleExplainer(props: { draft: Settings }) {
  const { draft } = props;
  const [url, setUrl] = useState(`${draft.allowedOrigins[0]?.replace("*.", "www.") ?? "https://shop.example.eu"}/`);
  const [device, setDevice] = useState<Device>("desktop");
  const [identified, setIdentified] = useState(false);
  const [seconds, setSeconds] = useState<number | null>(30);
  const [scroll, setScroll] = useState<number | null>(0);
  const [exitIntent, setExitIntent] = useState(false);
  const [events, setEvents] = useState("");
  const [visitor, setVisitor] = useState("visitor-1");
  const [timesShown, setTimesShown] = useState<number | null>(0);
  const [answer, setAnswer] = useState<"none" | "dismiss" | "submit">("none");
  const [answerDaysAgo, setAnswerDaysAgo] = useState<number | null>(1);
  const [forced, setForced] = useState<"none" | "show" | "hide">("none");
  const now = Date.now();
  // The widget reports the URL per the project's policy: without query and fragment unless it keeps them.
  const reported = draft.urlQuery === "drop" ? strip(url.trim()) : url.trim();
  const state: VisitorState = {
    now,
    url: reported,
    device,
    identified,
    reporterId: visitor,
    timesShown: timesShown ?? 0,
    lastAnswer: answer === "none" ? null : { action: answer, at: now - (answerDaysAgo ?? 0) * DAY },
    launcherHiddenAt: null,
    forced: forced === "none" ? null : forced,
    secondsOnPage: seconds ?? 0,
    scrollPercent: scroll ?? 0,
    exitIntent,
    events: events
      .split(",")
      .map((e) => e.trim())
      .filter(Boolean),
  };
  const decision = evaluateDisplayRules({ appearance: draft.appearance, rules: draft.rules }, state);
  return (
    <section class="explainer" aria-labelledby="explainer-title">
      <h3 id="explainer-title">{t.explainer}</h3>
      <p class="hint">{t.explainerIntro}</p>
      <div class="controls">
        <TextControl
          path="explain.url"
          label={t.explainUrl}
          hint={
            draft.urlQuery === "drop" && reported !== url.trim()
              ? t.explainUrlStripped.replace("{url}", reported)
              : undefined
          }
          value={url}
          mono
          onInput={setUrl}
        />
        <div class="controls three">
          <SelectControl
            path="explain.device"
            label={t.rule_device}
            value={device}
            options={(["desktop", "tablet", "mobile"] as const).map((d) => [d, t[`device_${d}`]] as const)}
            onChange={setDevice}
          />
          <NumberControl
            path="explain.seconds"
            label={t.explainSeconds}
            value={seconds}
            min={0}
            max={86400}
            nullable
            unit={t.seconds}
            onInput={setSeconds}
          />
          <NumberControl
            path="explain.scroll"
            label={t.explainScroll}
            value={scroll}
            min={0}
            max={100}
            nullable
            unit="%"
            onInput={setScroll}
          />
        </div>
        <div class="controls three">
          <SelectControl
            path="explain.answer"
            label={t.explainAnswer}
            value={answer}
            options={[
              ["none", t.answerNone],
              ["dismiss", t.answerDismiss],
              ["submit", t.answerSubmit],
            ]}
            onChange={setAnswer}
          />
          {answer !== "none" && (
            <NumberControl
              path="explain.answerDays"
              label={t.explainAnswerDays}
              value={answerDaysAgo}
              min={0}
              max={3650}
              nullable
              unit={t.daysUnit}
              onInput={setAnswerDaysAgo}
            />
          )}
          <NumberControl
            path="explain.times"
            label={t.explainTimes}
            value={timesShown}
            min={0}
            max={1000}
            nullable
            onInput={setTimesShown}
          />
        </div>
        <div class="controls three">
          <TextControl
            path="explain.events"
            label={t.explainEvents}
            hint={t.explainEventsHint}
            value={events}
            mono
            onInput={setEvents}
          />
          <TextControl
            path="explain.visitor"
            label={t.explainVisitor}
            hint={t.explainVisitorHint}
            value={visitor}
            mono
            onInput={setVisitor}
          />
          <SelectControl
            path="explain.forced"
            label={t.explainForced}
            value={forced}
            options={[
              ["none", t.forcedNone],
              ["show", "Loupe.show()"],
              ["hide", "Loupe.hide()"],
            ]}
            onChange={setForced}
          />
        </div>
        <div class="chips">
          <CheckControl
            path="explain.identified"
            label={t.explainIdentified}
            checked={identified}
            onChange={setIdentified}
          />
          <CheckControl path="explain.exit" label={t.exitIntent} checked={exitIntent} onChange={setExitIntent} />
        </div>
      </div>
      <p class="verdict" role="status" aria-live="polite">
        <Badge tone={decision.launcher ? "good" : "neutral"}>
          {decision.launcher ? t.launcherShown : t.launcherHidden}
        </Badge>
        <Badge tone={decision.autoOpen ? "good" : "neutral"}>{decision.autoOpen ? t.promptOpens : t.promptWaits}</Badge>
      </p>
      <table class="checks">
        <caption class="sr-only">{t.explainer}</caption>
        <thead>
          <tr>
            <th scope="col">{t.check}</th>
            <th scope="col">{t.verdict}</th>
            <th scope="col">{t.why}</th>
          </tr>
        </thead>
        <tbody>
          {decision.checks.map((check) => (
            <tr key={check.rule} data-rule={check.rule}>
              <th scope="row">{t[`rule_${check.rule as Rule}`] ?? check.rule}</th>
              <td>
                <Badge tone={check.ok ? "good" : "danger"}>{check.ok ? t.passes : t.fails}</Badge>
              </td>
              <td>{describe(check, draft, state)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

type Rule = "forced" | "launcher" | "audience" | "device" | "url" | "sample" | "frequency" | "trigger";
const when = (ms: number) => new Date(ms).toLocaleString();
const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (whole, name: string) => String(values[name] ?? whole));

/** A check's reason in the UI's language (the shared `describeCheck` words it in English for `Loupe.debug()`). */
function describe(check: Check, settings: Settings, state: VisitorState): string {
  const why = check.why;
  switch (why[0]) {
    case "forced":
      return fill(t.why_forced, { call: `Loupe.${why[1]}()` });
    case "noLauncher":
      return t.why_noLauncher;
    case "hiddenUntil":
      return fill(t.why_hiddenUntil, { time: when(why[1]) });
    case "shown":
      return fill(t.why_shown, {
        launcher: why[1] === "tab" ? t.launcherTab : t.launcherButton,
        position:
          t[
            (
              {
                "bottom-right": "bottomRight",
                "bottom-left": "bottomLeft",
                "top-right": "topRight",
                "top-left": "topLeft",
              } as const
            )[why[2] as "bottom-right"] ?? "bottomRight"
          ],
      });
    case "audience":
      return t[`why_audience_${why[1]}`];
    case "device":
      return fill(t.why_device, {
        device: t[`device_${why[1]}`],
        allowed: why[2].map((d) => t[`device_${d as Device}`]).join(", "),
      });
    case "excluded":
      return fill(t.why_excluded, { match: t[`match_${why[1] as "contains"}`], value: why[2] });
    case "included":
      return settings.rules.urls.include.length === 0 ? t.why_everyPage : why[1] ? t.why_included : t.why_notIncluded;
    case "sample":
      return fill(t.why_sample, { bucket: why[1], percent: why[2] });
    case "shownOnce":
      return t.why_shownOnce;
    case "maxTimes":
      return fill(t.why_maxTimes, { times: why[1], max: why[2] });
    case "never":
      return why[1] === "dismiss" ? t.why_neverDismiss : t.why_neverSubmit;
    case "againAt":
      return fill(why[2] === "dismiss" ? t.why_againDismiss : t.why_againSubmit, { time: when(why[1]) });
    case "times":
      return fill(t.why_times, { n: why[1] });
    case "noTrigger":
      return t.why_noTrigger;
    case "fired": {
      const { fired, set } = triggers(settings.rules.autoOpen, state);
      return fired.length > 0
        ? fill(t.why_fired, { what: fired.join(", ") })
        : fill(t.why_notFired, { what: set.join(", ") });
    }
  }
}

/** The prompt's triggers in words: those set, and those the simulated visitor has fired. */
function triggers(auto: Settings["rules"]["autoOpen"], state: VisitorState) {
  const set: string[] = [];
  const fired: string[] = [];
  const add = (configured: boolean, happened: boolean, words: string) => {
    if (!configured) return;
    set.push(words);
    if (happened) fired.push(words);
  };
  add(
    auto.afterSeconds !== null,
    state.secondsOnPage >= (auto.afterSeconds ?? 0),
    fill(t.trigger_seconds, { n: auto.afterSeconds ?? 0 }),
  );
  add(
    auto.scrollPercent !== null,
    state.scrollPercent >= (auto.scrollPercent ?? 0),
    fill(t.trigger_scroll, { n: auto.scrollPercent ?? 0 }),
  );
  add(auto.exitIntent, state.exitIntent, t.exitIntent);
  for (const name of auto.onEvents) add(true, state.events.includes(name), fill(t.trigger_event, { name }));
  return { set, fired };
}
