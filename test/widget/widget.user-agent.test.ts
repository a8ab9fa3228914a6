import { expect, test } from "bun:test";
import { browserAndOs } from "../../src/shared/user-agent.ts";

test("browser and OS from common User-Agents (Edge and Opera name Chrome too; Chrome names Safari)", () => {
  const cases: [string, { browser: string; os: string }][] = [
    [
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0",
      { browser: "Edge 140", os: "Windows" },
    ],
    [
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
      { browser: "Safari 18", os: "macOS" },
    ],
    ["Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0", { browser: "Firefox 140", os: "Linux" }],
    [
      "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Mobile Safari/537.36",
      { browser: "Chrome 139", os: "Android" },
    ],
    [
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
      { browser: "Safari 18", os: "iPhone" },
    ],
    ["curl/8.5.0", { browser: "unknown", os: "unknown" }],
  ];
  for (const [ua, expected] of cases) expect({ ua, got: browserAndOs(ua) }).toEqual({ ua, got: expected });
});
