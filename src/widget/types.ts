import type { Annotation } from "../shared/annotation-draw.ts";
import type { PublicWidgetConfig } from "../shared/widget-settings.ts";

/** A `window.Loupe.on()` listener. `beforeSubmit` listeners may edit the submission or return false. */
export type Listener = (detail: unknown) => unknown;

/** What a submission carries, as `beforeSubmit` listeners see (and may edit) it. */
export type Submission = {
  comment: string;
  title?: string;
  rating?: { scale: "stars" | "emoji" | "nps"; value: number };
  reporterEmail?: string;
  categoryId?: string;
  answers?: Record<string, string | boolean>;
  pageUrl?: string;
  metadata?: Record<string, unknown>;
  customData?: Record<string, unknown>;
  annotations?: Annotation[];
};

/** The dialog chunk's handle, made on the first open. */
export type App = { open(auto?: boolean): void; close(): void; destroy(): void };

/** A `window.Loupe` call, as the loader records it: the method's name and its arguments. */
export type Command = [name: string, ...args: unknown[]];

/**
 * The state the loader (`widget.js`) keeps and hands to the lazily loaded chunks: the embed's
 * `data-*`, the project's public configuration, every `window.Loupe` call in order (listeners,
 * custom data, identity, events and show/hide are read from it), and the shadow root.
 */
export type WidgetState = {
  /** The embed's `<script>`: `data-project`, `data-locale`, `nonce`, and its URL (the Loupe server). */
  script: HTMLScriptElement;
  config: PublicWidgetConfig | undefined;
  /** Settles when the configuration was fetched (or could not be). */
  ready: Promise<unknown>;
  host: HTMLElement;
  root: ShadowRoot;
  q: Command[];
  /** The last console errors and warnings (console.ts; only when the project captures them). */
  logs: { level: string; at: string; message: string }[];
  /** The anonymous reporter id for this page (visitor.ts). */
  rid?: string;
  /** localStorage, when the browser allows it. */
  ls: Storage | undefined;
  /** Shows or hides the launcher per the current state. */
  draw(): void;
  /** Re-checks the display rules (set by the rules chunk). */
  tick?: () => void;
  /** Undone by `Loupe.destroy()`. */
  cleanup: (() => void)[];
  /** The dialog chunk, imported on the first open. */
  app?: Promise<App>;
  open(auto?: boolean): Promise<unknown>;
};
