/**
 * Request-size limits. Every cap on a feedback submission derives from the one configured value,
 * LOUPE_SCREENSHOT_MAX_BYTES, through bodyLimits(): the config's range and default, the feedback
 * route's streaming limit, the service's check of the screenshot, and Bun.serve's own cap.
 */
export const SCREENSHOT_MAX_BYTES = { default: 5 * 1024 * 1024, min: 10_000, max: 50 * 1024 * 1024 } as const;

/** Room in a feedback request for the multipart framing and the JSON `payload` part beside the screenshot. */
export const FEEDBACK_REQUEST_OVERHEAD_BYTES = 256 * 1024;

export type BodyLimits = {
  /** The largest accepted screenshot (the service checks it: 413 naming `screenshot`). */
  screenshot: number;
  /** The feedback route's streaming limit on the whole request (413 problem+json naming `screenshot`). */
  feedbackRequest: number;
  /**
   * Bun.serve's maxRequestBodySize. Bun answers a bare 413 (no problem+json) above it before the app
   * sees the request, so it sits well above the app's own limits, which therefore always answer first.
   */
  server: number;
};

/** Every request-size limit, from the configured screenshot limit. */
export function bodyLimits(screenshotMaxBytes: number): BodyLimits {
  const feedbackRequest = screenshotMaxBytes + FEEDBACK_REQUEST_OVERHEAD_BYTES;
  return { screenshot: screenshotMaxBytes, feedbackRequest, server: 2 * feedbackRequest };
}
