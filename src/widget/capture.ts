import { createContext, destroyContext, domToCanvas } from "modern-screenshot";
import type { Annotation } from "../shared/annotation-draw.ts";
import type { WidgetState } from "./types.ts";

export type { Annotation };
/** A screenshot in memory: its pixels, the visitor's annotations (image pixel coordinates) and, once
 * annotated, a rendering of both for the form's preview. */
export type Shot = { canvas: HTMLCanvasElement; annotations: Annotation[]; preview?: HTMLCanvasElement };

/** What is always private: marked elements, Usersnap's `usprivacy`, passwords and sensitive autofill. */
const ALWAYS_PRIVATE =
  '[data-loupe-private],.usprivacy,input[type=password i],[autocomplete*="cc-" i],[autocomplete~="one-time-code" i],[autocomplete~="current-password" i],[autocomplete~="new-password" i]';
/** Every field a visitor types into, rich-text editors included. */
const FORM_FIELDS =
  'input:not([type=button],[type=submit],[type=reset],[type=image],[type=checkbox],[type=radio],[type=range],[type=color],[type=hidden]),textarea,select,[contenteditable]:not([contenteditable="false" i])';
/** What modern-screenshot draws an element as, where that is another element. */
const SUBSTITUTES: Record<string, string> = { CANVAS: "IMG", VIDEO: "IMG", IFRAME: "HTML" };
/** The selector of everything blacked out on this page (a project selector the browser rejects is skipped). */
export function privateSelector(s: WidgetState): string {
  const privacy = s.config!.privacy;
  const valid = privacy.selectors.filter((selector) => {
    try {
      document.createDocumentFragment().querySelector(selector);
      return true;
    } catch {
      return false;
    }
  });
  return [ALWAYS_PRIVATE, ...(privacy.formFields ? [FORM_FIELDS] : []), ...valid].join(",");
}

export const blockMask = (text: string) => "█".repeat(text.length);

const TIMEOUT_MS = 15_000;

/**
 * A screenshot of the viewport (or the whole page, per the project) rendered from a clone of the DOM,
 * with every private element replaced by a solid box in the clone before anything is rendered: masked
 * content never becomes a pixel. `incomplete` when part of the page could not be drawn (frames,
 * images from other origins).
 */
export async function captureDom(s: WidgetState): Promise<{ shot: Shot; incomplete: boolean }> {
  const cfg = s.config!;
  const root = document.documentElement;
  const selector = privateSelector(s);
  const { maskEmails: emails, maskCardNumbers: cards } = cfg.privacy;
  // Text masking is a project option: its patterns load only where it is on.
  const mask = (emails || cards) && (await import("../shared/personal-data.ts")).maskPersonal;
  const viewport = cfg.capture.mode === "viewport";
  const [sx, sy, vw, vh] = [scrollX, scrollY, innerWidth, innerHeight];
  let incomplete = false;
  // Clones arrive in post-order after `filter` saw their originals: a stack pairs each clone with its
  // original. Should the pairing ever break, the capture is refused rather than risk an unmasked box.
  const originals: Element[] = [];
  let paired = true;
  const masked = new Set<Element>();
  // A same-origin frame's document is reported twice (as its root, and as the frame's clone).
  const seen = new WeakSet<Node>();

  const context = await createContext(root, {
    scale: 1,
    timeout: 8000,
    font: await fontCss(),
    fetch: {
      placeholderImage: () => {
        incomplete = true;
        return "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
      },
    },
    filter: (node) => {
      // The widget itself, and <meta>: a copied Content-Security-Policy meta would govern the rendered
      // SVG and block its styles (the page would come out unstyled).
      // modern-screenshot's own sandbox frame (hidden, added to the page while it works) is left out too.
      // Node types, not instanceof: a same-origin frame's nodes belong to another realm.
      if (node === s.host || node.nodeName === "META" || (node as Element).id?.startsWith("__SANDBOX__")) return false;
      const up = node.parentNode;
      const parent = up?.nodeType === Node.DOCUMENT_FRAGMENT_NODE ? (up as ShadowRoot).host : node.parentElement;
      if (parent && masked.has(parent)) return false;
      if (node.nodeType !== Node.ELEMENT_NODE) return true;
      const el = node as Element;
      if (el.matches(selector)) masked.add(el);
      // A frame of another origin is drawn as an empty box of its size: the capture is incomplete.
      else if (el.nodeName === "IFRAME" && !(el as HTMLIFrameElement).contentDocument)
        incomplete ||= visible(el, viewport);
      originals.push(el);
      return true;
    },
    onCloneEachNode: (clone) => {
      if (clone.nodeType !== Node.ELEMENT_NODE || seen.has(clone)) return;
      seen.add(clone);
      const original = originals.pop();
      if (!original) return; // the root
      if (original.nodeName !== clone.nodeName && SUBSTITUTES[original.nodeName] !== clone.nodeName) {
        paired = false;
        return;
      }
      if (masked.has(original)) blackBox(original, clone as HTMLElement);
      else if (mask) {
        for (const child of clone.childNodes)
          if (child.nodeType === Node.TEXT_NODE)
            (child as Text).data = mask((child as Text).data, { emails, cards }, blockMask);
      }
      if (viewport && getComputedStyle(original).position === "fixed") {
        // In the rendered clone the document is not scrolled: keep fixed elements where the visitor sees them.
        const box = original.getBoundingClientRect();
        (clone as HTMLElement).style.cssText +=
          `;top:${box.top + sy}px!important;left:${box.left + sx}px!important;bottom:auto!important;right:auto!important;margin:0!important`;
      }
    },
    onCloneNode: () => {
      if (viewport) [context.width, context.height] = [vw, vh];
    },
    onCreateForeignObjectSvg: (svg) => {
      if (!viewport) return;
      svg.setAttribute("viewBox", `${sx} ${sy} ${vw} ${vh}`);
      const frame = svg.querySelector("foreignObject")!;
      frame.setAttribute("width", String(root.scrollWidth));
      frame.setAttribute("height", String(root.scrollHeight));
    },
  });
  const width = viewport ? vw : context.width;
  const height = viewport ? vh : context.height;
  context.scale = Math.min(devicePixelRatio, cfg.capture.maxWidth / width, 8000 / height);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const canvas = await Promise.race([
    domToCanvas(context),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timeout")), TIMEOUT_MS);
    }),
  ]).finally(() => {
    clearTimeout(timer);
    // Removes the hidden sandbox frame modern-screenshot added to the page for default styles.
    destroyContext(context);
  });
  if (!paired) throw new Error("the clone could not be matched to the page");
  // Behind a page without a background of its own the visitor sees white: no transparent pixels.
  const g = canvas.getContext("2d")!;
  g.globalCompositeOperation = "destination-over";
  g.fillStyle = "#fff";
  g.fillRect(0, 0, canvas.width, canvas.height);
  return { shot: { canvas, annotations: [] }, incomplete };
}

/** Whether `el` is shown in the capture: visible, and in the viewport unless the whole page is captured. */
function visible(el: Element, viewport: boolean): boolean {
  const r = el.getBoundingClientRect();
  return (
    el.checkVisibility({ visibilityProperty: true, opacityProperty: true }) &&
    r.width * r.height > 0 &&
    (!viewport || (r.bottom > 0 && r.top < innerHeight))
  );
}

/** A masked element's clone becomes a solid box of the original's size, with no content left in it. */
function blackBox(original: Element, clone: HTMLElement) {
  const box = original.getBoundingClientRect();
  for (const name of ["value", "placeholder", "src", "srcset", "poster", "href", "class", "title", "alt"])
    clone.removeAttribute(name);
  clone.replaceChildren();
  const inline = getComputedStyle(original).display.startsWith("inline") ? "display:inline-block!important;" : "";
  clone.style.cssText += `;${inline}box-sizing:border-box!important;width:${box.width}px!important;height:${box.height}px!important;background:#000!important;color:transparent!important;border-color:#000!important;border-style:solid!important;border-radius:0!important;box-shadow:none!important;opacity:1!important;filter:none!important`;
}

/**
 * The page's loaded @font-face rules with their font files inlined as data URLs, for the SVG the
 * capture renders (an SVG image loads nothing): modern-screenshot's own font embedding inserts a
 * `<style>` into the page, which a strict CSP blocks.
 */
async function fontCss(): Promise<{ cssText: string } | false> {
  const unquote = (text: string) => text.replace(/["']/g, "").trim();
  const loaded = new Set<string>();
  for (const face of document.fonts) if (face.status === "loaded") loaded.add(unquote(face.family));
  const rules: Promise<string>[] = [];
  for (const sheet of document.styleSheets) {
    let list: CSSRuleList;
    try {
      list = sheet.cssRules;
    } catch {
      continue; // another origin's stylesheet: its rules are not readable
    }
    for (const rule of list)
      if (rule instanceof CSSFontFaceRule && loaded.has(unquote(rule.style.getPropertyValue("font-family"))))
        rules.push(inlineUrls(rule.cssText, sheet.href ?? location.href));
  }
  return rules.length > 0 && { cssText: (await Promise.all(rules)).join("\n") };
}

async function inlineUrls(css: string, base: string): Promise<string> {
  const urls = [...css.matchAll(/url\((['"]?)([^)'"]+)\1\)/g)];
  const inlined = await Promise.all(
    // A font the page's connect-src does not allow (or that fails) is left out, not the whole capture.
    urls.map(([, , url]) =>
      url!.startsWith("data:")
        ? url
        : fetch(new URL(url!, base))
            .then((r) => r.blob())
            .then(
              (blob) =>
                new Promise<string>((done) => {
                  const reader = new FileReader();
                  reader.onload = () => done(reader.result as string);
                  reader.readAsDataURL(blob);
                }),
            )
            .catch(() => ""),
    ),
  );
  return urls.reduce((text, [whole], i) => text.replace(whole, `url("${inlined[i]}")`), css);
}
