import type { Shot } from "./capture.ts";
import { identity } from "./commands.ts";
import { fill, h } from "./dom.ts";
import { deviceMetadata } from "./metadata.ts";
import { customData, emit } from "./page-data.ts";
import { getKey, setKey } from "./storage.ts";
import { LOCALES, pickLocale, type WidgetStrings } from "./strings.ts";
import { DIALOG_CSS } from "./styles.ts";
import type { App, Submission, WidgetState } from "./types.ts";
import { pageUrl, randomId, reporterId } from "./visitor.ts";

/** C0/C1 controls and DEL are stripped; tab and line feed kept where a text may have lines. */
const CONTROLS = /[\0-\x08\v\f\x0e-\x1f\x7f-\x9f]/g;
const clean = (text: string, lines?: boolean) =>
  (lines ? text.replace(/\r\n?/g, "\n") : text.replace(/\s+/g, " ")).replace(CONTROLS, "").trim();
const EMOJI = [..."😞🙁😐🙂😀"];
type Problem = { code?: string; errors?: { field: string; message: string }[] };

/**
 * The dialog chunk, imported on the first open: the form, the screenshot step, review before send,
 * and the submission with retry. The draft lives only in memory (these closures) while the page
 * stays open: closing the dialog or a failed send loses nothing the visitor typed.
 */
export async function mountApp(s: WidgetState): Promise<App> {
  const cfg = s.config!;
  const fields = cfg.fields;
  const lang = pickLocale([s.script.dataset.locale, document.documentElement.lang, navigator.language]);
  const t: WidgetStrings = { ...(await LOCALES[lang]()).default, ...cfg.strings[lang] };
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(DIALOG_CSS);
  s.root.adoptedStyleSheets = [...s.root.adoptedStyleSheets, sheet];

  let shot: Shot | undefined;
  let shotBlob: Blob | undefined;
  let auto = false;
  let returnFocus: Element | null = null;
  /** The exact bytes of the attempt being sent: resent as they are until the visitor changes something. */
  let pending: { payload: string; blob: Blob | undefined } | undefined;
  /** What the review list shows, and so what is sent. */
  let reviewed: { url: string; device: Record<string, unknown>; logs: WidgetState["logs"]; data: object };
  let thanks: HTMLElement | undefined;
  let thanksTimer: ReturnType<typeof setTimeout> | undefined;
  const removed = new Set<string>();
  const errorOf: Record<string, HTMLElement> = {};
  const inputOf: Record<string, HTMLInputElement> = {};

  const button = (label: string, onclick: () => unknown, className = "") =>
    h("button", { type: "button", className, onclick }, label);
  /**
   * A labelled control with its error line (`name`: the server's field name for it). The rating is a
   * fieldset of radio buttons; a checkbox comes before its text.
   */
  const field = (name: string, label: string, control: HTMLElement, required: boolean, kind?: "group" | "box") => {
    inputOf[name] = control as HTMLInputElement;
    control.setAttribute("aria-describedby", `e-${name}`);
    const error = h("p", { className: "e", id: `e-${name}`, hidden: true });
    errorOf[name] = error;
    const text = h(
      kind === "group" ? "legend" : "span",
      null,
      label,
      !required && " ",
      !required && h("small", null, `(${t.optional})`),
    );
    return kind === "box"
      ? h("div", null, h("label", { className: "c" }, control, text), error)
      : h(kind ? "fieldset" : "label", null, text, control, error);
  };
  const select = (name: string, required: boolean, options: [string, string][]) =>
    h(
      "select",
      { name, required },
      h("option", { value: "" }, t.choose),
      ...options.map(([value, label]) => h("option", { value }, label)),
    );

  // The form, with the fields the project asks for.
  const comment = h("textarea", { required: true, maxLength: 10000, placeholder: t.commentHint });
  const title = h("input", { maxLength: 200 });
  const email = h("input", { type: "email", autocomplete: "email", maxLength: 254 });
  const category = select(
    "category",
    fields.category.required,
    fields.category.options.map((o) => [o.id, o.name]),
  );
  const scale = fields.rating.scale;
  const rating = h(
    "div",
    { className: "r" },
    ...(scale === "nps" ? [...Array(11).keys()] : [1, 2, 3, 4, 5]).map((n) =>
      h(
        "label",
        null,
        h("input", {
          type: "radio",
          name: "rating",
          value: n,
          "aria-label": fill(t.ratingValue, { n, m: scale === "nps" ? 10 : 5 }),
        }),
        h(
          "span",
          { "aria-hidden": "true" },
          scale === "stars" ? "★".repeat(n) : scale === "emoji" ? EMOJI[n - 1]! : `${n}`,
        ),
      ),
    ),
  );
  const shotArea = h("div", { className: "v" });
  const reviewList = h("ul");
  const status = h("p", { role: "alert", className: "e", hidden: true });
  const send = h("button", { type: "submit", className: "p" }, t.send);
  const hideDays = cfg.appearance.visitorMayHideDays;
  const form = h(
    "form",
    {
      noValidate: true,
      onsubmit: (e: Event) => {
        e.preventDefault();
        submit();
      },
      // Something the visitor changed makes a new submission (with a new id).
      oninput: () => {
        pending = undefined;
      },
    },
    fields.rating.enabled &&
      field("rating", scale === "nps" ? t.nps : t.rating, rating, fields.rating.required, "group"),
    fields.title.enabled && field("title", t.title, title, fields.title.required),
    field("comment", t.comment, comment, true),
    fields.email.enabled && field("reporterEmail", t.email, email, fields.email.required),
    fields.category.enabled && field("categoryId", t.category, category, fields.category.required),
    ...fields.custom.map((f) =>
      f.type === "select"
        ? field(
            `answers.${f.id}`,
            f.label,
            select(
              f.id,
              f.required,
              f.options.map((o) => [o, o]),
            ),
            f.required,
          )
        : field(`answers.${f.id}`, f.label, h("input", { type: "checkbox" }), f.required, "box"),
    ),
    shotArea,
    h("div", { className: "v" }, h("h3", null, t.review), reviewList),
    status,
    h("footer", null, hideDays > 0 && button(fill(t.hideLauncher, { n: hideDays }), hideLauncher, "l"), send),
  );
  email.value = getKey(s, "visitorEmail") ?? identity(s)?.email ?? "";
  const body = h("div", { className: "v" }, form);
  const dialog = h(
    "div",
    {
      className: `d ${cfg.appearance.position.replace(/(.).*-(.).*/, "d$1 d$2")}`,
      role: "dialog",
      "aria-modal": "true",
      "aria-labelledby": "loupe-title",
      hidden: true,
      onkeydown: trapKeys,
    },
    h(
      "header",
      null,
      h("h2", { id: "loupe-title" }, t.dialogTitle),
      h("button", { type: "button", className: "x", "aria-label": t.close, onclick: () => close() }, "×"),
    ),
    body,
  );
  s.root.append(dialog);

  /** Escape closes; Tab stays inside the dialog. */
  function trapKeys(e: KeyboardEvent) {
    if (e.key === "Escape") {
      e.stopPropagation();
      close();
    }
    if (e.key !== "Tab") return;
    const focusable = [...dialog.querySelectorAll<HTMLButtonElement>("button,input,textarea,select,canvas")].filter(
      (el) => !el.disabled && el.offsetParent && el.tabIndex >= 0,
    );
    const edge = focusable[e.shiftKey ? 0 : focusable.length - 1];
    if (s.root.activeElement === edge) {
      e.preventDefault();
      focusable[e.shiftKey ? focusable.length - 1 : 0]?.focus();
    }
  }

  function hideLauncher() {
    setKey(s, "bubbleHiddenAt", String(Date.now()));
    s.q.push(["hide"]); // for this page even without storage
    close();
    s.draw();
  }

  // The screenshot step: DOM capture, else the browser's screen capture, else a file; always skippable.
  function renderShot(note?: string) {
    const row = h("div", { className: "row" });
    if (shot && !removed.has("screenshot")) {
      const preview = h("canvas", {
        width: 640,
        height: (640 * shot.canvas.height) / shot.canvas.width,
        role: "img",
        "aria-label": t.itemScreenshot,
      });
      preview.getContext("2d")!.drawImage(shot.preview ?? shot.canvas, 0, 0, preview.width, preview.height);
      row.append(
        button(t.annotate, annotate),
        button(t.remove, () => setShot(undefined)),
      );
      shotArea.replaceChildren(preview, row);
    } else {
      row.append(button(t.addScreenshot, takeScreenshot));
      shotArea.replaceChildren(row);
    }
    if (note) {
      const alternatives = h("div", { className: "row" });
      if ("getDisplayMedia" in (navigator.mediaDevices ?? {}))
        alternatives.append(button(t.captureScreen, () => fallback("screen")));
      alternatives.append(button(t.upload, () => fallback("file")));
      shotArea.append(h("p", { className: "e", role: "status" }, note), alternatives);
    }
    errorOf.screenshot = h("p", { className: "e", id: "e-screenshot", hidden: true });
    shotArea.append(errorOf.screenshot);
  }
  function setShot(next: Shot | undefined, note?: string) {
    shot = next;
    shotBlob = undefined;
    removed.delete("screenshot");
    renderShot(note);
    renderReview();
    shotArea.querySelector("button")!.focus();
  }
  async function takeScreenshot() {
    shotArea.replaceChildren(h("p", { role: "status" }, t.capturing));
    try {
      const result = await (await import("./capture.ts")).captureDom(s);
      setShot(result.shot, result.incomplete ? t.incomplete : "");
    } catch {
      setShot(undefined, t.incomplete);
    }
  }
  async function fallback(kind: string) {
    try {
      const [capture, fallbacks] = await Promise.all([import("./capture.ts"), import("./fallback.ts")]);
      const next = kind === "screen" ? await fallbacks.captureScreen(s, capture) : await fallbacks.pickImage(s);
      if (next) setShot(next);
    } catch {
      setShot(undefined, t.incomplete);
    }
  }
  async function annotate() {
    const editor = await import("./editor.ts");
    const before = shot!;
    form.hidden = true;
    // The editor is handed the DOM helpers rather than sharing a chunk with this one.
    // The editor gets a wide dialog.
    dialog.classList.toggle("w");
    const edited = await editor.editShot(body, before, lang, cfg.strings[lang], h);
    dialog.classList.toggle("w");
    form.hidden = false;
    setShot(edited ? { ...before, ...edited } : before);
  }

  // Review before send: every part of the submission the visitor may remove, the screenshot first.
  function renderReview() {
    pending = undefined;
    reviewed = { url: pageUrl(s), device: deviceMetadata(), logs: s.logs?.slice(), data: customData(s) };
    const { device, logs } = reviewed;
    const data = JSON.stringify(reviewed.data);
    const items: [key: string, label: string, detail: string | false][] = [
      ["screenshot", t.itemScreenshot, !!shot && `${shot.canvas.width}×${shot.canvas.height}`],
      ["pageUrl", t.itemUrl, reviewed.url],
      ["device", t.itemDevice, `${innerWidth}×${innerHeight} · ${device.language} · ${device.timeZone}`],
      ["console", fill(t.itemConsole, { n: logs?.length }), !!logs?.length && logs.map((l) => l.message).join(" · ")],
      ["customData", t.itemCustom, data !== "{}" && data],
    ];
    reviewList.replaceChildren(
      ...items
        .filter(([key, , detail]) => detail && !removed.has(key))
        .map(([key, label, detail]) =>
          h(
            "li",
            null,
            h("span", { title: detail }, `${label}: ${detail}`.replace(/: $/, "")),
            h(
              "button",
              { type: "button", "aria-label": fill(t.dontSend, { item: label }), onclick: () => drop(key) },
              "×",
            ),
          ),
        ),
    );
  }
  function drop(key: string) {
    removed.add(key);
    if (key === "screenshot") renderShot();
    renderReview();
    (reviewList.querySelector("button") ?? send).focus();
  }

  function draft(): Submission {
    const answers: Record<string, string | boolean> = {};
    for (const f of fields.custom) {
      const el = inputOf[`answers.${f.id}`]!;
      const value = f.type === "checkbox" ? el.checked : clean(el.value);
      if (value !== "") answers[f.id] = value;
    }
    const metadata: Record<string, unknown> = removed.has("device") ? {} : reviewed.device;
    if (reviewed.logs?.length && !removed.has("console")) metadata.console = reviewed.logs;
    const picked = form.querySelector<HTMLInputElement>("[name=rating]:checked");
    // Empty and removed parts are left out (JSON drops the undefined ones).
    return JSON.parse(
      JSON.stringify({
        comment: clean(comment.value, true),
        title: (fields.title.enabled && clean(title.value)) || undefined,
        rating: picked ? { scale, value: Number(picked.value) } : undefined,
        reporterEmail: (fields.email.enabled && clean(email.value)) || undefined,
        categoryId: (fields.category.enabled && category.value) || undefined,
        answers: fields.custom.length ? answers : undefined,
        pageUrl: removed.has("pageUrl") ? undefined : reviewed.url,
        metadata,
        customData: removed.has("customData") ? {} : reviewed.data,
        annotations: shot && !removed.has("screenshot") ? shot.annotations : undefined,
      }),
    );
  }

  /** The server's field errors beside their fields, and one message with a retry button. */
  function showErrors(problem: Problem | undefined, message: string) {
    for (const name in errorOf) {
      errorOf[name]!.hidden = true;
      inputOf[name]?.removeAttribute("aria-invalid");
    }
    let first: HTMLElement | undefined;
    for (const { field: name, message: text } of problem?.errors ?? []) {
      const key = name in errorOf ? name : name.split(".")[0]!;
      const el = errorOf[key];
      if (!el) continue;
      el.textContent = text;
      el.hidden = false;
      inputOf[key]?.setAttribute("aria-invalid", "true");
      first ??= inputOf[key] ?? el;
    }
    status.replaceChildren(message, " ", button(t.retry, submit, "l"));
    status.hidden = !message;
    (first ?? send).focus();
  }

  async function submit() {
    if (send.disabled) return; // already sending
    // A retry resends the same bytes with the same idempotency id: a lost answer never makes a second item.
    if (!pending) {
      const submission = draft();
      if (emit(s, "beforeSubmit", submission).includes(false)) return;
      const annotations = submission.annotations;
      if (annotations && !shotBlob) shotBlob = await (await import("./encode.ts")).encodeShot(shot!, annotations);
      pending = {
        payload: JSON.stringify({ ...submission, idempotencyId: randomId(), reporterId: reporterId(s) }),
        blob: annotations && shotBlob,
      };
    }
    const { payload, blob } = pending;
    send.disabled = true;
    send.textContent = t.sending;
    try {
      const parts = new FormData();
      parts.append("payload", payload);
      if (blob) parts.append("screenshot", blob);
      const response = await fetch(new URL(`/api/v1/widget/${s.script.dataset.project}/feedback`, s.script.src), {
        method: "POST",
        body: parts,
        credentials: "omit",
      });
      const answer = await response.json().catch(() => undefined);
      if (!response.ok) {
        const wait = response.headers.get("Retry-After");
        emit(s, "error", answer);
        return showErrors(
          answer,
          response.status === 429 && wait
            ? fill(t.errorRate, { n: wait })
            : answer?.errors?.length
              ? t.errorFields
              : `${fill(t.errorServer, { code: answer?.code ?? response.status })} ${t.kept}`,
        );
      }
      const { reporterEmail } = JSON.parse(payload);
      if (reporterEmail) setKey(s, "visitorEmail", reporterEmail);
      setKey(s, "ShowAgainAction", "submit");
      setKey(s, "ShowAgainTimestamp", String(Date.now()));
      emit(s, "submit", { id: answer.id });
      // Sent: the draft is cleared, a short thank-you closes itself.
      form.reset();
      email.value = getKey(s, "visitorEmail") ?? "";
      removed.clear();
      setShot(undefined);
      showErrors(undefined, "");
      thanks = h("p", { role: "status", tabIndex: -1 }, t.thanks);
      form.hidden = true;
      body.append(thanks);
      thanks.focus();
      thanksTimer = setTimeout(close, 3000);
    } catch {
      emit(s, "error", { code: "NETWORK" });
      showErrors(undefined, `${t.errorNetwork} ${t.kept}`);
    } finally {
      send.disabled = false;
      send.textContent = t.send;
    }
  }

  function open(byRule?: boolean) {
    if (!dialog.hidden) return;
    auto = !!byRule;
    returnFocus = s.root.activeElement ?? document.activeElement;
    renderReview();
    dialog.hidden = false;
    // A prompt the rules opened does not take the keyboard from what the visitor is doing.
    if (!byRule) form.querySelector<HTMLElement>("input,textarea")!.focus();
    emit(s, "open");
  }
  function close() {
    if (dialog.hidden) return;
    dialog.hidden = true;
    clearTimeout(thanksTimer);
    if (thanks) {
      // Sent: the thank-you ends with the dialog, and the next open shows a fresh form.
      thanks.remove();
      thanks = undefined;
      form.hidden = false;
    } else if (auto) {
      setKey(s, "ShowAgainAction", "dismiss");
      setKey(s, "ShowAgainTimestamp", String(Date.now()));
    }
    (returnFocus as HTMLElement | null)?.focus?.();
    emit(s, "close");
  }

  renderShot();
  return { open, close, destroy: () => dialog.remove() };
}

/** `Loupe.debug()`: the display-rule explainer for this visitor. */
export const debug = (s: WidgetState) =>
  Promise.all([import("./rules.ts"), import("./explain.ts"), s.ready]).then(([rules, m]) => m.explain(s, rules));

/** `Loupe.destroy()`: removes every trace of the widget, its listeners and console wrapper included. */
export function destroy(s: WidgetState): void {
  delete (window as { Loupe?: unknown }).Loupe;
  // After the idle boot (which would put the element back); chunks still loading then find it gone.
  s.ready.then(() => {
    s.app?.then((a) => a.destroy());
    for (const undo of s.cleanup) undo();
    s.cleanup = [];
    s.tick = undefined;
    s.host.remove();
  });
}
