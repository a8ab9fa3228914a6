import { type Annotation, drawAnnotations } from "../shared/annotation-draw.ts";
import type { Shot } from "./capture.ts";
import type { h as H } from "./dom.ts";
import type { EditorStrings, LOCALES } from "./strings.ts";

type Tool = "pen" | "arrow" | "rect" | "highlight" | "blackout" | "text";
type Point = { x: number; y: number };
const TOOLS: Tool[] = ["pen", "arrow", "rect", "highlight", "blackout", "text"];
const COLOR = "#e5484d";
/** The editor's strings by language: only the visitor's is downloaded. */
const EDITOR_LOCALES = {
  en: () => import("./locales/en.editor.ts"),
  de: () => import("./locales/de.editor.ts"),
  fr: () => import("./locales/fr.editor.ts"),
  es: () => import("./locales/es.editor.ts"),
  it: () => import("./locales/it.editor.ts"),
  nl: () => import("./locales/nl.editor.ts"),
  pl: () => import("./locales/pl.editor.ts"),
} as const;

const sheet = new CSSStyleSheet();
// Sized by its own aspect ratio (no letterbox): pointer positions map straight onto the image.
sheet.replaceSync(
  // .w: the dialog is widened while the editor is open.
  ".w{width:min(960px,calc(100vw - 24px))}.ed canvas{width:auto;max-height:calc(100vh - 360px);object-fit:fill;align-self:center;touch-action:none;cursor:crosshair}",
);

/**
 * The annotation editor (its own lazy chunk): draws on the screenshot with the pointer or touch, or by
 * keyboard (arrow keys move a cursor, Enter starts and ends a shape). Resolves with the annotations
 * on Done, undefined on Cancel. Annotations are drawing commands in the image's pixel coordinates.
 */
export async function editShot(
  container: HTMLElement,
  shot: Shot,
  lang: keyof typeof LOCALES,
  overrides: Record<string, string> | undefined,
  h: typeof H,
): Promise<{ annotations: Annotation[]; preview: HTMLCanvasElement } | undefined> {
  const t: EditorStrings = { ...(await EDITOR_LOCALES[lang]()).default, ...overrides };
  return new Promise(
    (resolve: (edited: { annotations: Annotation[]; preview: HTMLCanvasElement } | undefined) => void) => {
      const image = shot.canvas;
      const done = [...shot.annotations];
      const undone: Annotation[] = [];
      let tool: Tool = "rect";
      let current: Annotation | undefined;
      let cursor: Point | undefined;
      let textAt: Point | undefined;
      const canvas = h("canvas", {
        width: image.width,
        height: image.height,
        tabIndex: 0,
        role: "img",
        "aria-label": t.canvas,
      });
      const g = canvas.getContext("2d")!;
      const stroke = () => Math.max(3, image.width / 320);
      /** A keyboard step: a fortieth of the image's width (Shift: five steps). */
      const step = Math.round(image.width / 40);
      const toolButtons = TOOLS.map((name) =>
        h("button", { type: "button", "aria-pressed": String(name === tool), onclick: () => pick(name) }, t[name]),
      );
      const undoButton = h("button", { type: "button", onclick: undo }, t.undo);
      const redoButton = h("button", { type: "button", onclick: redo }, t.redo);
      const textInput = h("input", { "aria-label": t.textPrompt, placeholder: t.textPrompt, maxLength: 500 });
      const textRow = h("div", { className: "row", hidden: true }, textInput);
      const view = h(
        "div",
        {
          className: "v ed",
          // Escape leaves the editor (as Cancel does), not the whole dialog.
          onkeydown: (e: KeyboardEvent) => {
            if (e.key !== "Escape") return;
            e.stopPropagation();
            finish(undefined);
          },
        },
        h("h3", null, t.editorTitle),
        h(
          "div",
          { className: "row", role: "toolbar", "aria-label": t.editorTitle },
          ...toolButtons,
          undoButton,
          redoButton,
        ),
        textRow,
        canvas,
        h(
          "div",
          { className: "row" },
          h("button", { type: "button", onclick: () => finish(undefined) }, t.cancel),
          h("button", { type: "button", className: "p", onclick: () => finish(done) }, t.done),
        ),
      );

      function draw() {
        g.clearRect(0, 0, canvas.width, canvas.height);
        g.drawImage(image, 0, 0);
        drawAnnotations(g, current ? [...done, current] : done, 1, stroke());
        if (cursor) {
          g.globalAlpha = 1;
          g.strokeStyle = COLOR;
          g.lineWidth = stroke() / 2;
          g.strokeRect(cursor.x - step, cursor.y - step, 2 * step, 2 * step);
        }
        undoButton.disabled = done.length === 0;
        redoButton.disabled = undone.length === 0;
      }
      function pick(name: Tool) {
        tool = name;
        for (const [i, b] of toolButtons.entries()) b.setAttribute("aria-pressed", String(TOOLS[i] === name));
      }
      function start(p: Point) {
        if (tool === "text") {
          textAt = p;
          textRow.hidden = false;
          textInput.value = "";
          textInput.focus();
          return;
        }
        current =
          tool === "pen"
            ? { type: "pen", points: [p], color: COLOR }
            : tool === "blackout"
              ? { type: "blackout", from: p, to: p }
              : { type: tool, from: p, to: p, color: COLOR };
      }
      function move(p: Point) {
        if (!current) return;
        if (current.type === "pen") {
          if (current.points.length < 2000) current.points.push(p);
        } else if ("to" in current) current.to = p;
      }
      function commit() {
        const shape = current;
        current = undefined;
        if (!shape) return;
        if ("to" in shape) {
          // Boxes are stored normalised (from = top left), so the server and the overlay see positive sizes.
          const [from, to] = [shape.from, shape.to];
          const big = Math.abs(to.x - from.x) > 2 || Math.abs(to.y - from.y) > 2;
          if (!big) return draw();
          if (shape.type !== "arrow") {
            shape.from = { x: Math.min(from.x, to.x), y: Math.min(from.y, to.y) };
            shape.to = { x: Math.max(from.x, to.x), y: Math.max(from.y, to.y) };
          }
        }
        add(shape);
      }
      function add(shape: Annotation) {
        done.push(shape);
        undone.length = 0;
        draw();
      }
      function undo() {
        const last = done.pop();
        if (last) undone.push(last);
        draw();
      }
      function redo() {
        const next = undone.pop();
        if (next) done.push(next);
        draw();
      }
      const at = (e: PointerEvent): Point => {
        const r = canvas.getBoundingClientRect();
        const clamp = (n: number, max: number) => Math.round(Math.min(max, Math.max(0, n)));
        return {
          x: clamp(((e.clientX - r.left) / r.width) * image.width, image.width),
          y: clamp(((e.clientY - r.top) / r.height) * image.height, image.height),
        };
      };
      canvas.addEventListener("pointerdown", (e) => {
        canvas.setPointerCapture(e.pointerId);
        cursor = undefined;
        start(at(e));
        draw();
      });
      canvas.addEventListener("pointermove", (e) => {
        move(at(e));
        if (current) draw();
      });
      canvas.addEventListener("pointerup", commit);
      canvas.addEventListener("keydown", (e) => {
        const by = e.shiftKey ? 5 * step : step;
        const delta: Record<string, [number, number]> = {
          ArrowLeft: [-by, 0],
          ArrowRight: [by, 0],
          ArrowUp: [0, -by],
          ArrowDown: [0, by],
        };
        cursor ??= { x: Math.round(image.width / 2), y: Math.round(image.height / 2) };
        const d = delta[e.key];
        if (d) {
          cursor = {
            x: Math.min(image.width, Math.max(0, cursor.x + d[0])),
            y: Math.min(image.height, Math.max(0, cursor.y + d[1])),
          };
          move(cursor);
        } else if (e.key === "Enter" || e.key === " ") {
          if (current) commit();
          else start(cursor);
        } else if (e.key === "Escape" && current) {
          current = undefined;
        } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "z") {
          e.shiftKey ? redo() : undo();
        } else return;
        e.preventDefault();
        e.stopPropagation();
        draw();
      });
      textInput.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && textAt && textInput.value.trim()) {
          add({ type: "text", at: textAt, text: textInput.value.trim().slice(0, 500), color: COLOR });
        } else if (e.key !== "Escape") return;
        e.preventDefault();
        e.stopPropagation();
        textRow.hidden = true;
        canvas.focus();
      });
      function finish(result: Annotation[] | undefined) {
        cursor = undefined;
        draw();
        view.remove();
        resolve(result && { annotations: result, preview: canvas });
      }
      const root = container.getRootNode() as ShadowRoot;
      if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      container.append(view);
      draw();
      canvas.focus();
    },
  );
}
