/** Feedback constants without schemas (the browser code imports these without pulling in valibot). */
export const SCALES = { stars: [1, 5], emoji: [1, 5], nps: [0, 10] } as const;
export const STATUSES = ["new", "in_progress", "done", "closed", "spam"] as const;
