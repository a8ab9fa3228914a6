const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Whether `text` is the one canonical unpadded base64url spelling of its bytes: no padding, no white
 * space, no other alphabet, unused low bits zero (decoders accept all of these silently, so one
 * token would have many spellings).
 */
export function isCanonicalBase64url(text: string): boolean {
  return BASE64URL.test(text) && text.length % 4 !== 1 && Buffer.from(text, "base64url").toString("base64url") === text;
}
