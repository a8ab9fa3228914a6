import * as v from "valibot";

/** Pieces every part of the API uses: ids, the `:teamId` route parameter, and the plain "ok" answer. */
export const IdSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/, "Expected an id."));
export const TeamParam = v.strictObject({ teamId: IdSchema });
/** The answer of an action that returns nothing else. */
export const OkSchema = v.object({ ok: v.literal(true) });
