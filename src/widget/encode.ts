import type { Annotation } from "../shared/annotation-draw.ts";
import type { Shot } from "./capture.ts";

/**
 * Chosen on the bench's rich fixture page (bench/widget.ts): the largest quality whose WebP is at most
 * a tenth of the PNG of the same canvas (0.35 gave 0.096, 0.4 gave 0.101), with 13 px text readable.
 */
const WEBP_QUALITY = 0.35;

/** The bytes to upload: WebP (PNG where the browser cannot encode WebP), blackout boxes burnt in. */
export async function encodeShot(shot: Shot, annotations: Annotation[]): Promise<Blob> {
  const canvas = document.createElement("canvas");
  canvas.width = shot.canvas.width;
  canvas.height = shot.canvas.height;
  const g = canvas.getContext("2d")!;
  g.drawImage(shot.canvas, 0, 0);
  g.fillStyle = "#000";
  for (const a of annotations)
    if (a.type === "blackout") g.fillRect(a.from.x, a.from.y, a.to.x - a.from.x, a.to.y - a.from.y);
  const encode = (type: string, quality?: number) =>
    new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type, quality));
  const webp = await encode("image/webp", WEBP_QUALITY);
  if (webp?.type === "image/webp") return webp;
  const png = await encode("image/png");
  if (!png) throw new Error("the screenshot could not be encoded");
  return png;
}
