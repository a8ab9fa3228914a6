export const BROWSERS: [token: string, name: string][] = [
  ["Edg", "Edge"],
  ["OPR", "Opera"],
  ["Firefox", "Firefox"],
  ["Chrome", "Chrome"],
  ["Version", "Safari"],
];
const SYSTEMS: [token: string, name: string][] = [
  ["Android", "Android"],
  ["iPhone", "iPhone"],
  ["iPad", "iPad"],
  ["CrOS", "ChromeOS"],
  ["Windows", "Windows"],
  ["Mac", "macOS"],
  ["Linux", "Linux"],
];

/**
 * Browser (name and major version) and OS from a User-Agent string, as the team needs them to
 * reproduce: the server reads them from the widget's request (the browser sends its User-Agent
 * anyway), so the widget carries no parser. Tokens are tried in order of precedence, not of position:
 * Edge and Opera also name Chrome, Chrome also names Safari, Android also names Linux.
 */
export function browserAndOs(userAgent: string): { browser: string; os: string } {
  let browser = "unknown";
  for (const [token, name] of BROWSERS) {
    const version = new RegExp(`${token}/(\\d+)`).exec(userAgent)?.[1];
    if (version) {
      browser = `${name} ${version}`;
      break;
    }
  }
  return { browser, os: SYSTEMS.find(([token]) => userAgent.includes(token))?.[1] ?? "unknown" };
}
