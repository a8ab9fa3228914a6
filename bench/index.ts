/** `npm run bench`: every benchmark, one after the other, figures and same-run ratios. */
import { benchAudit } from "./audit.ts";
import { benchAuth } from "./auth.ts";
import { benchBackup } from "./backup.ts";
import { benchCrash } from "./crash.ts";
import { benchFeedback } from "./feedback.ts";
import { benchRedos } from "./redos.ts";
import { benchStorage } from "./storage.ts";
import { benchUi } from "./ui.ts";
import { benchWidget } from "./widget.ts";

console.log(`bench on ${navigator.hardwareConcurrency} cores, Bun ${Bun.version}\n`);
await benchStorage();
console.log();
await benchAudit();
console.log();
await benchCrash();
console.log();
await benchAuth();
console.log();
await benchFeedback();
console.log();
await benchUi();
console.log();
await benchWidget();
console.log();
await benchBackup();
console.log();
await benchRedos();
