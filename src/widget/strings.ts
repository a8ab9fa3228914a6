/** The widget's user-facing text, in English; a host page may override any of these strings. */
export const WIDGET_STRINGS = {
  launcherLabel: "Feedback",
  launcherTitle: "Send feedback about this page",
} as const;

export type WidgetStrings = Record<keyof typeof WIDGET_STRINGS, string>;
