/** Feedback constants without schemas (the browser code imports these without pulling in valibot). */
export const SCALES = { stars: [1, 5], emoji: [1, 5], nps: [0, 10] } as const;
export const STATUSES = ["new", "in_progress", "done", "closed", "spam"] as const;
/** List orders: by time, or by rating (lowest or highest first; items without a rating last). */
export const SORTS = ["newest", "oldest", "rating", "rating_desc"] as const;
/** What a bulk change answers for an item it did not change. */
export const BULK_FAILURES = ["NOT_FOUND", "TOO_MANY_LABELS"] as const;
/** At most this many items in one bulk change. */
export const MAX_BULK_ITEMS = 100;
/** At most this many labels on one item. */
export const MAX_ITEM_LABELS = 50;
