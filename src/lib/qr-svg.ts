import QRCode from "qrcode";

/** A QR code as an SVG document, rendered on the server (no script, no external resource). */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
}
