const BROWSERS: Record<string, string> = { Edg: "Edge", OPR: "Opera", Version: "Safari" };

/** Browser, OS, viewport, screen, pixel ratio, language and time zone: what the team needs to reproduce. */
export function deviceMetadata(): Record<string, unknown> {
  const ua = navigator.userAgent;
  // The first match wins: Edge and Opera also name Chrome, Chrome also names Safari.
  const [, name = "unknown", version = ""] = /(Edg|OPR|Firefox|Chrome|Version)\/(\d+)/.exec(ua) ?? [];
  return {
    browser: `${BROWSERS[name] ?? name} ${version}`.trim(),
    os: /Windows|Android|iPhone|iPad|Mac|CrOS|Linux/.exec(ua)?.[0].replace("Mac", "macOS") ?? "unknown",
    viewport: { width: innerWidth, height: innerHeight },
    screen: { width: screen.width, height: screen.height },
    devicePixelRatio,
    language: navigator.language,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
}
