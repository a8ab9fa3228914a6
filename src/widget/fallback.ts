import type * as Capture from "./capture.ts";
import type { WidgetState } from "./types.ts";

/*
 * When the DOM capture fails or is incomplete: the browser's own screen capture, or an image the
 * visitor picks. A chunk of its own, loaded only then; it is handed the capture chunk (the private
 * selector) instead of sharing a chunk with it.
 */
type Shot = Capture.Shot;

/**
 * The browser's own capture of this tab (`getDisplayMedia`, preferring the current tab), for pages the
 * DOM capture cannot draw. The widget hides itself first; private elements (and, per the project,
 * emails and card numbers), in shadow roots and same-origin frames too, and every frame of another
 * origin are blacked out on the frame before it is kept.
 */
export async function captureScreen(s: WidgetState, capture: typeof Capture): Promise<Shot | undefined> {
  const stream = await navigator.mediaDevices.getDisplayMedia({
    video: { displaySurface: "browser" },
    audio: false,
    preferCurrentTab: true,
  } as DisplayMediaStreamOptions);
  s.host.setAttribute("data-capturing", "");
  try {
    // Only this tab: a window or the whole screen could show anything, and the boxes would not fit it.
    if (stream.getVideoTracks()[0]?.getSettings().displaySurface !== "browser") throw new Error("not a tab");
    const video = document.createElement("video");
    video.muted = true;
    video.srcObject = stream;
    await video.play();
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    await new Promise((done) => setTimeout(done, 200));
    const scale = Math.min(1, s.config!.capture.maxWidth / video.videoWidth);
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    const g = canvas.getContext("2d")!;
    g.drawImage(video, 0, 0, canvas.width, canvas.height);
    const ratio = canvas.width / innerWidth;
    g.fillStyle = "#000";
    const { maskPersonal } = await import("../shared/personal-data.ts");
    for (const box of privateBoxes(s, capture, maskPersonal))
      g.fillRect(box.x * ratio, box.y * ratio, box.width * ratio, box.height * ratio);
    return { canvas, annotations: [] };
  } finally {
    for (const track of stream.getTracks()) track.stop();
    s.host.removeAttribute("data-capturing");
  }
}

type Box = { x: number; y: number; width: number; height: number };

/**
 * Where private things are in the viewport, in every document and shadow root the page shows:
 * private elements, text that looks like an email or card number (per the project), and every frame
 * of another origin whole — nothing inside it can be checked, so nothing of it is kept.
 */
function privateBoxes(
  s: WidgetState,
  capture: typeof Capture,
  maskPersonal: typeof import("../shared/personal-data.ts")["maskPersonal"],
): Box[] {
  const boxes: Box[] = [];
  const selector = capture.privateSelector(s);
  const { maskEmails: emails, maskCardNumbers: cards } = s.config!.privacy;
  const visit = (root: Document | ShadowRoot, dx: number, dy: number) => {
    const add = (r: DOMRect) => boxes.push({ x: r.x + dx, y: r.y + dy, width: r.width, height: r.height });
    for (const el of root.querySelectorAll("*")) {
      if (el.shadowRoot) visit(el.shadowRoot, dx, dy);
      if (el.matches(selector)) for (const r of el.getClientRects()) add(r);
      else if (/^(IFRAME|FRAME|OBJECT|EMBED)$/.test(el.nodeName)) {
        const inner = (el as HTMLIFrameElement).contentDocument;
        const r = el.getBoundingClientRect();
        if (inner?.documentElement) visit(inner, dx + r.x + el.clientLeft, dy + r.y + el.clientTop);
        else add(r);
      }
    }
    if (!emails && !cards) return;
    const doc = root instanceof Document ? root : root.ownerDocument;
    const walker = doc.createTreeWalker(root instanceof Document ? root.documentElement : root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
      let at = 0;
      maskPersonal(node.data, { emails, cards }, (match) => {
        const start = node!.data.indexOf(match, at);
        at = start + match.length;
        const range = doc.createRange();
        range.setStart(node!, start);
        range.setEnd(node!, at);
        for (const r of range.getClientRects()) add(r);
        return match;
      });
    }
  };
  visit(document, 0, 0);
  return boxes;
}

/** An image the visitor picks instead, scaled to the project's maximum width. */
export function pickImage(s: WidgetState): Promise<Shot | undefined> {
  return new Promise((resolve, reject) => {
    const input = document.createElement("input");
    input.type = "file";
    input.accept = "image/png,image/jpeg,image/webp";
    input.addEventListener("cancel", () => resolve(undefined));
    input.addEventListener("change", async () => {
      const file = input.files?.[0];
      if (!file) return resolve(undefined);
      try {
        const bitmap = await createImageBitmap(file);
        const scale = Math.min(1, s.config!.capture.maxWidth / bitmap.width, 8000 / bitmap.height);
        const canvas = document.createElement("canvas");
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.getContext("2d")!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        resolve({ canvas, annotations: [] });
      } catch (error) {
        reject(error);
      }
    });
    input.click();
  });
}
