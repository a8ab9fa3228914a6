/**
 * T-V1 for the instance settings, audit, SSO provider and backup routes: schema-driven fuzzing (test/support/fuzz/harness.ts) — no 5xx, every
 * 4xx problem+json naming its fields, unknown keys refused by name, oversize bodies 413.
 */
import { fuzzSuite } from "../support/fuzz/harness.ts";

fuzzSuite("instance");
