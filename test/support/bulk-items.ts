import { randomId } from "../../src/lib/crypto.ts";
import type { Db } from "../../src/store/database.ts";
import { insertFeedback, insertScreenshot } from "../../src/store/feedback.ts";

/**
 * One feedback item with a WebP screenshot of `screenshot`'s bytes, written straight to the store
 * (inside the caller's write transaction): for growing a database to a size, fast (bench, binary test).
 */
export function insertItemWithScreenshot(
  db: Db,
  item: { teamId: string; projectId: string; now: number; title: string; screenshot: Uint8Array },
): string {
  const id = randomId();
  insertFeedback(db, {
    id,
    team_id: item.teamId,
    project_id: item.projectId,
    reporter_user_id: null,
    reporter_anon_id: null,
    reporter_email: null,
    reporter_ip: null,
    title: item.title,
    comment: "The checkout button does not respond on the second click. Steps: open, click, wait.",
    rating_value: null,
    rating_scale: null,
    page_url: "https://shop.example.eu/checkout",
    metadata: "{}",
    custom_data: "{}",
    status: "new",
    assignee_user_id: null,
    version: 1,
    created_at: item.now,
    updated_at: item.now,
    deleted_at: null,
  });
  insertScreenshot(db, {
    itemId: id,
    teamId: item.teamId,
    contentType: "image/webp",
    width: 1280,
    height: 800,
    annotations: "[]",
    bytes: item.screenshot,
  });
  return id;
}
