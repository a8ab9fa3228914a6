/**
 * Viewport, screen, pixel ratio, language and time zone: what the team needs to reproduce. The
 * server adds browser and OS from the request's User-Agent when these are sent (the visitor may
 * remove them, and then it adds nothing).
 */
export function deviceMetadata(): Record<string, unknown> {
  return {
    viewport: { width: innerWidth, height: innerHeight },
    screen: { width: screen.width, height: screen.height },
    devicePixelRatio,
    language: navigator.language,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
}
