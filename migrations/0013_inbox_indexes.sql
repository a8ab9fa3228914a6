-- The inbox at volume (issue 9): a list page reads the entries of one index in the page's order and
-- stops at the page's end, so every filter of a page is answered from the index entries it walks.
-- Each index ends with the columns the inbox filters by: a combination whose rows are far apart in
-- the walked index is still checked without reading the table (at worst, one pass over the index).
-- `has_screenshot` mirrors the screenshots table (written with the screenshot, gone with the item)
-- so it can be among those columns. The rating orders sort by an expression that puts items without
-- a rating last, indexed exactly as src/store/feedback.ts writes it.
ALTER TABLE feedback_items ADD COLUMN has_screenshot INTEGER NOT NULL DEFAULT 0 CHECK (has_screenshot IN (0, 1));
UPDATE feedback_items SET has_screenshot = 1 WHERE id IN (SELECT item_id FROM screenshots);

DROP INDEX feedback_team_created;
DROP INDEX feedback_team_project;
DROP INDEX feedback_team_status;
DROP INDEX feedback_team_reporter;
DROP INDEX feedback_team_assignee;
CREATE INDEX feedback_team_created ON feedback_items (team_id, deleted_at, created_at DESC, id DESC,
  project_id, status, assignee_user_id, reporter_user_id, rating_value, has_screenshot);
CREATE INDEX feedback_team_project ON feedback_items (team_id, project_id, deleted_at, created_at DESC, id DESC,
  status, assignee_user_id, reporter_user_id, rating_value, has_screenshot);
CREATE INDEX feedback_team_status ON feedback_items (team_id, status, deleted_at, created_at DESC, id DESC,
  project_id, assignee_user_id, reporter_user_id, rating_value, has_screenshot);
CREATE INDEX feedback_team_assignee ON feedback_items (team_id, assignee_user_id, deleted_at, created_at DESC, id DESC,
  project_id, status, reporter_user_id, rating_value, has_screenshot);
CREATE INDEX feedback_team_reporter ON feedback_items (team_id, reporter_user_id, deleted_at, created_at DESC, id DESC,
  project_id, status, assignee_user_id, rating_value, has_screenshot);
CREATE INDEX feedback_team_rating ON feedback_items (team_id, deleted_at, ifnull(rating_value, 1000), created_at DESC, id DESC,
  project_id, status, assignee_user_id, reporter_user_id, rating_value, has_screenshot);
CREATE INDEX feedback_team_rating_desc ON feedback_items (team_id, deleted_at, ifnull(rating_value, -1) DESC, created_at DESC, id DESC,
  project_id, status, assignee_user_id, reporter_user_id, rating_value, has_screenshot);
-- A search joins its matches to their items by id: this index answers the join, the filters and
-- the orders without reading the items, so only the page's items are read.
CREATE INDEX feedback_items_search ON feedback_items (id, team_id, deleted_at, created_at,
  project_id, status, assignee_user_id, reporter_user_id, rating_value, has_screenshot);
