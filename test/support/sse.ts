import type { Browser } from "./browser.ts";

/** One message of a text/event-stream body: a comment line block, or an event with its fields. */
export type SseMessage = { event?: string; id?: string; data?: string; retry?: number; comment?: string };

/**
 * Reads a server-sent-events response as it arrives (no waiting on a clock: a read resolves when the
 * server has written). `within` guards each read, so a message that never comes fails the test.
 */
export class SseReader {
  private readonly reader: { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> };
  private readonly decoder = new TextDecoder();
  private buffer = "";
  private readonly queue: SseMessage[] = [];
  ended = false;

  constructor(readonly response: Response) {
    if (!response.body) throw new Error("no body");
    this.reader = response.body.getReader();
  }

  /** The next message, or undefined once the server has closed the stream. */
  async next(withinMs = 3000): Promise<SseMessage | undefined> {
    while (this.queue.length === 0 && !this.ended) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const chunk = await Promise.race([
        this.reader.read(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no SSE message within ${withinMs} ms`)), withinMs);
        }),
      ]).finally(() => clearTimeout(timer));
      if (chunk.done) {
        this.ended = true;
        break;
      }
      this.buffer += this.decoder.decode(chunk.value, { stream: true });
      let end = this.buffer.indexOf("\n\n");
      while (end >= 0) {
        this.queue.push(parseBlock(this.buffer.slice(0, end)));
        this.buffer = this.buffer.slice(end + 2);
        end = this.buffer.indexOf("\n\n");
      }
    }
    return this.queue.shift();
  }

  /** Messages up to and including the first that `stop` accepts (or to the end of the stream). */
  async until(stop: (m: SseMessage) => boolean, withinMs?: number): Promise<SseMessage[]> {
    const out: SseMessage[] = [];
    for (;;) {
      const m = await this.next(withinMs);
      if (!m) return out;
      out.push(m);
      if (stop(m)) return out;
    }
  }

  /** Everything until the server closes the stream. */
  rest(withinMs?: number): Promise<SseMessage[]> {
    return this.until(() => false, withinMs);
  }

  /** The browser goes away. */
  async cancel(): Promise<void> {
    this.ended = true;
    await this.reader.cancel().catch(() => undefined);
  }
}

function parseBlock(block: string): SseMessage {
  const m: SseMessage = {};
  const comments: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) {
      comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") m.event = value;
    else if (field === "id") m.id = value;
    else if (field === "data") m.data = m.data === undefined ? value : `${m.data}\n${value}`;
    else if (field === "retry") m.retry = Number(value);
  }
  if (comments.length > 0 && m.event === undefined && m.data === undefined) m.comment = comments.join("\n");
  return m;
}

/** Events only (no comments, no retry-only blocks). */
export const events = (messages: SseMessage[]) => messages.filter((m) => m.event !== undefined);

/** Opens GET /api/v1/events as this browser (its cookies), as a tab's EventSource would. */
export async function openEvents(
  browser: Browser,
  headers: Record<string, string> = {},
): Promise<{ res: Response; sse: SseReader }> {
  const res = await browser.get("/api/v1/events", {
    Accept: "text/event-stream",
    "Sec-Fetch-Site": "same-origin",
    ...headers,
  });
  if (res.status !== 200) throw new Error(`events: ${res.status} ${await res.text()}`);
  const sse = new SseReader(res);
  // The stream opens with the retry delay and a comment.
  const first = await sse.next();
  if (first?.retry === undefined) throw new Error(`unexpected first message ${JSON.stringify(first)}`);
  return { res, sse };
}
