import { maskPersonal } from "../shared/personal-data.ts";
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
 * emails and card numbers) are blacked out on the frame before it is kept.
 */
export async function captureScreen(s: WidgetState, capture: typeof Capture): Promise<Shot | undefined> {
  const stream = await navigator.mediaDevices.getDisplayMedia({
    video: { displaySurface: "browser" },
    audio: false,
    preferCurrentTab: true,
  } as DisplayMediaStreamOptions);
  s.host.setAttribute("data-capturing", "");
  try {
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
    for (const box of privateBoxes(s, capture))
      g.fillRect(box.x * ratio, box.y * ratio, box.width * ratio, box.height * ratio);
    return { canvas, annotations: [] };
  } finally {
    for (const track of stream.getTracks()) track.stop();
    s.host.removeAttribute("data-capturing");
  }
}

/** Where private things are in the viewport: elements, and text that looks like an email or card number. */
function privateBoxes(s: WidgetState, capture: typeof Capture): DOMRect[] {
  const boxes = [...document.querySelectorAll(capture.privateSelector(s))].flatMap((el) => [...el.getClientRects()]);
  const { maskEmails: emails, maskCardNumbers: cards } = s.config!.privacy;
  if (!emails && !cards) return boxes;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
    let at = 0;
    maskPersonal(node.data, { emails, cards }, (match) => {
      const start = node!.data.indexOf(match, at);
      at = start + match.length;
      const range = document.createRange();
      range.setStart(node!, start);
      range.setEnd(node!, at);
      boxes.push(...range.getClientRects());
      return match;
    });
  }
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
