import type * as v from "valibot";
import type { AnnotationSchema } from "./feedback.ts";

export type Annotation = v.InferOutput<typeof AnnotationSchema>;

/** The part of a canvas 2D context drawing needs (the server has no DOM types). */
export type Pen = {
  fillStyle: unknown;
  strokeStyle: unknown;
  lineWidth: number;
  lineCap: string;
  lineJoin: string;
  globalAlpha: number;
  font: string;
  textBaseline: string;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  stroke(): void;
  fill(): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  strokeRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
};

/**
 * Replays annotation commands (image pixel coordinates) on a canvas, scaled by `scale`: the widget's
 * editor and thumbnail, and the admin UI's overlay, draw them the same way.
 */
export function drawAnnotations(g: Pen, annotations: readonly Annotation[], scale = 1, width = 4): void {
  const x = (n: number) => n * scale;
  for (const a of annotations) {
    g.globalAlpha = 1;
    g.lineWidth = width;
    g.lineCap = g.lineJoin = "round";
    if (a.type === "blackout") {
      g.fillStyle = "#000";
      g.fillRect(x(a.from.x), x(a.from.y), x(a.to.x - a.from.x), x(a.to.y - a.from.y));
      continue;
    }
    g.strokeStyle = g.fillStyle = a.color;
    if (a.type === "rect") g.strokeRect(x(a.from.x), x(a.from.y), x(a.to.x - a.from.x), x(a.to.y - a.from.y));
    if (a.type === "highlight") {
      g.globalAlpha = 0.35;
      g.fillRect(x(a.from.x), x(a.from.y), x(a.to.x - a.from.x), x(a.to.y - a.from.y));
    }
    if (a.type === "text") {
      g.font = `600 ${Math.round(Math.max(14, 18 * scale))}px system-ui,sans-serif`;
      g.textBaseline = "top";
      const lines = a.text.split("\n");
      for (let i = 0; i < lines.length; i++) g.fillText(lines[i]!, x(a.at.x), x(a.at.y) + i * Math.max(16, 22 * scale));
    }
    if (a.type === "pen" || a.type === "arrow") {
      const points = a.type === "pen" ? a.points : [a.from, a.to];
      g.beginPath();
      g.moveTo(x(points[0]!.x), x(points[0]!.y));
      for (const p of points) g.lineTo(x(p.x), x(p.y));
      if (a.type === "arrow") {
        const angle = Math.atan2(a.to.y - a.from.y, a.to.x - a.from.x);
        for (const side of [-0.5, 0.5]) {
          g.moveTo(x(a.to.x), x(a.to.y));
          g.lineTo(x(a.to.x) - 16 * Math.cos(angle + side), x(a.to.y) - 16 * Math.sin(angle + side));
        }
      }
      g.stroke();
    }
  }
}
