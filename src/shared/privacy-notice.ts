import type { WidgetSettings } from "./widget-settings.ts";

/**
 * The privacy-page text of a project, generated from its actual settings: what the widget collects,
 * what it keeps in the visitor's browser, how long Loupe keeps it, where it is stored, and that
 * nothing goes to anyone else — in English and German, as Markdown and as HTML. Pure: the server's
 * route renders it; every piece of user data (the project's name, custom field labels) is escaped
 * for each format.
 */
export const NOTICE_LANGUAGES = ["en", "de"] as const;
export type NoticeLanguage = (typeof NOTICE_LANGUAGES)[number];

export type NoticeInput = {
  projectId: string;
  projectName: string;
  settings: Pick<
    WidgetSettings,
    "fields" | "storage" | "storeIp" | "urlQuery" | "consoleCapture" | "retentionDays" | "privacy" | "appearance"
  >;
  /** Whether the prompt may open by itself (then the widget counts how often it did, in localStorage). */
  autoOpenRules: boolean;
  /** This installation's public URL. */
  publicUrl: string;
  trashDays: number;
  backupDays: number;
};

/** A piece of text: ours (trusted), a code span, or user data (escaped as text in every format). */
type Seg = string | { code: string } | { user: string };
type Block = { h: 1 | 2; text: Seg[] } | { p: Seg[] } | { ul: Seg[][] };

const MD_SPECIAL = /[\\`*_{}[\]()#+\-.!<>|~&]/g;
const mdUser = (text: string) => text.replace(/\s+/g, " ").replace(MD_SPECIAL, (c) => `\\${c}`);
const html = (text: string) =>
  text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");

function mdSeg(s: Seg): string {
  if (typeof s === "string") return s;
  if ("code" in s) return `\`${s.code}\``;
  return mdUser(s.user);
}
function htmlSeg(s: Seg): string {
  if (typeof s === "string") return html(s);
  if ("code" in s) return `<code>${html(s.code)}</code>`;
  return html(s.user);
}

function render(blocks: Block[]): { markdown: string; html: string } {
  const md: string[] = [];
  const out: string[] = [];
  for (const b of blocks) {
    if ("h" in b) {
      md.push(`${"#".repeat(b.h)} ${b.text.map(mdSeg).join("")}`);
      out.push(`<h${b.h}>${b.text.map(htmlSeg).join("")}</h${b.h}>`);
    } else if ("p" in b) {
      md.push(b.p.map(mdSeg).join(""));
      out.push(`<p>${b.p.map(htmlSeg).join("")}</p>`);
    } else {
      md.push(b.ul.map((item) => `- ${item.map(mdSeg).join("")}`).join("\n"));
      out.push(`<ul>\n${b.ul.map((item) => `  <li>${item.map(htmlSeg).join("")}</li>`).join("\n")}\n</ul>`);
    }
  }
  return { markdown: `${md.join("\n\n")}\n`, html: `${out.join("\n")}\n` };
}

type KeyPurpose = "reporter" | "email" | "hidden" | "prompt" | "answer" | "answerTime";

/** The localStorage keys this project's widget writes, with what each is for (none when storage is off). */
export function storageKeys(input: NoticeInput): { key: string; purpose: KeyPurpose }[] {
  const s = input.settings;
  if (!s.storage) return [];
  const id = input.projectId;
  const keys: { key: string; purpose: KeyPurpose }[] = [{ key: "us-reporter_", purpose: "reporter" }];
  if (s.fields.email.enabled) keys.push({ key: `us-visitorEmail_${id}`, purpose: "email" });
  if (s.appearance.visitorMayHideDays > 0) keys.push({ key: `us-bubbleHiddenAt_${id}`, purpose: "hidden" });
  if (input.autoOpenRules) {
    keys.push({ key: `us-WidgetShownOnce_${id}`, purpose: "prompt" });
    keys.push({ key: `us-TimesShown_${id}`, purpose: "prompt" });
  }
  keys.push({ key: `us-ShowAgainAction_${id}`, purpose: "answer" });
  keys.push({ key: `us-ShowAgainTimestamp_${id}`, purpose: "answerTime" });
  return keys;
}

const TEXT = {
  en: {
    quotes: ["\u201c", "\u201d"],
    title: "Privacy notice: feedback on ",
    intro: [
      "This website offers a feedback form (Loupe). The website's operator runs Loupe itself, on this installation at ",
      ". What you send through the form goes there and nowhere else.",
    ],
    collectedTitle: "What is collected when you send feedback",
    collectedIntro:
      "Nothing is sent until you press Send. Before that, the form lists everything it will send, and you can remove each part.",
    comment: "Your comment",
    title2: ", a title",
    rating: ", a rating",
    email: "Your email address, if you give it",
    emailRequired: "Your email address (the form asks for it)",
    category: "The category you choose",
    answers: "Your answers to the form's questions: ",
    screenshot:
      "A screenshot of the page, only if you add one; you can draw on it and black out parts before sending. Blacked out before it is taken: ",
    masked: ["password fields", "parts of the page the website marks as private"],
    maskForm: "the values of form fields",
    maskEmails: "text that looks like an email address",
    maskCards: "text that looks like a card number",
    and: " and ",
    pageDrop: "The address of the page, without its query string and fragment",
    pageKeep: "The full address of the page, including its query string and fragment",
    device:
      "Technical details: the size of the browser window and screen, pixel ratio, language and time zone, and the browser and operating system (read from your browser's User-Agent)",
    console:
      "The page's last 50 console errors and warnings, with tokens, passwords, email addresses and card numbers removed",
    custom: "Information the website itself attaches to your feedback, if it does (for example which plan you use)",
    reporter:
      "A random reporter id made in your browser, which links your feedback items to each other (it says nothing about who you are)",
    ip: "Your IP address",
    noIp: "Your IP address is not stored.",
    storageTitle: "What is stored in your browser",
    storageOn:
      "No cookies. The widget keeps only these entries in your browser's localStorage, until you clear this site's data:",
    storageOff: "Nothing: the widget sets no cookies and keeps nothing in localStorage or any other browser storage.",
    purposes: {
      reporter: "your random reporter id, so your feedback items belong together",
      email: "the email address you gave, to fill it in next time",
      hidden: "when you hid the feedback button, to keep it hidden for a while",
      prompt: "whether and how often the feedback form opened by itself, so it does not keep asking",
      answer: "whether you last sent or closed the form, so it does not ask again too soon",
      answerTime: "when that was",
    },
    retentionTitle: "How long it is kept",
    retentionDays: (n: number) => `Feedback is deleted for good ${n} days after it was sent.`,
    retentionNone: "Feedback is kept until the website's team deletes it.",
    trash: (trash: number, backup: number) =>
      `Deleted feedback stays in a trash for ${trash} days and is then deleted for good; the backups that still hold it are deleted at most ${backup} days later (${trash + backup} days in all).`,
    erasure: (backup: number) =>
      `If you ask for your data to be erased, it is deleted at once, without the trash, and is gone from every backup within ${backup} days.`,
    whereTitle: "Where it is stored",
    where: [
      "Only on this installation of Loupe, ",
      ", run by the website's operator. The data is encrypted at rest, and so are its backups.",
    ],
    noSub:
      "No sub-processors: nothing is passed to any other company or service — no analytics, no advertising, no cloud storage.",
    rightsTitle: "Your rights",
    rights:
      "You can ask the website's operator to show you, give you a copy of, or erase what you sent. Give the email address you used, or your reporter id (in your browser's localStorage under ",
    rightsEnd: ").",
    rightsNoStorage:
      "You can ask the website's operator to show you, give you a copy of, or erase what you sent; give the email address you used.",
  },
  de: {
    quotes: ["\u201e", "\u201c"],
    title: "Datenschutzhinweis: Feedback auf ",
    intro: [
      "Diese Website bietet ein Feedback-Formular an (Loupe). Der Betreiber der Website betreibt Loupe selbst, auf dieser Installation unter ",
      ". Was Sie über das Formular senden, gelangt dorthin und nirgendwo sonst hin.",
    ],
    collectedTitle: "Was erhoben wird, wenn Sie Feedback senden",
    collectedIntro:
      "Nichts wird gesendet, bevor Sie auf „Senden“ drücken. Vorher zeigt das Formular alles, was es senden wird, und Sie können jeden Teil entfernen.",
    comment: "Ihr Kommentar",
    title2: ", ein Titel",
    rating: ", eine Bewertung",
    email: "Ihre E-Mail-Adresse, wenn Sie sie angeben",
    emailRequired: "Ihre E-Mail-Adresse (das Formular fragt danach)",
    category: "Die Kategorie, die Sie wählen",
    answers: "Ihre Antworten auf die Fragen des Formulars: ",
    screenshot:
      "Ein Bildschirmfoto der Seite, nur wenn Sie eines hinzufügen; Sie können darauf zeichnen und Teile schwärzen, bevor Sie senden. Vor der Aufnahme geschwärzt werden: ",
    masked: ["Passwortfelder", "Teile der Seite, die die Website als privat kennzeichnet"],
    maskForm: "die Inhalte von Formularfeldern",
    maskEmails: "Text, der wie eine E-Mail-Adresse aussieht",
    maskCards: "Text, der wie eine Kartennummer aussieht",
    and: " und ",
    pageDrop: "Die Adresse der Seite, ohne Abfrageteil (Query-String) und Fragment",
    pageKeep: "Die vollständige Adresse der Seite, mit Abfrageteil (Query-String) und Fragment",
    device:
      "Technische Angaben: Größe von Browserfenster und Bildschirm, Pixeldichte, Sprache und Zeitzone sowie Browser und Betriebssystem (aus dem User-Agent Ihres Browsers)",
    console:
      "Die letzten 50 Fehler und Warnungen der Browserkonsole auf der Seite, ohne Tokens, Passwörter, E-Mail-Adressen und Kartennummern",
    custom:
      "Angaben, die die Website selbst Ihrem Feedback beifügt, falls sie das tut (zum Beispiel, welchen Tarif Sie nutzen)",
    reporter:
      "Eine zufällige Absender-ID, die in Ihrem Browser erzeugt wird und Ihre Feedbacks miteinander verbindet (sie sagt nichts darüber, wer Sie sind)",
    ip: "Ihre IP-Adresse",
    noIp: "Ihre IP-Adresse wird nicht gespeichert.",
    storageTitle: "Was in Ihrem Browser gespeichert wird",
    storageOn:
      "Keine Cookies. Das Widget legt nur diese Einträge im localStorage Ihres Browsers ab, bis Sie die Daten dieser Website löschen:",
    storageOff:
      "Nichts: Das Widget setzt keine Cookies und speichert nichts im localStorage oder einem anderen Speicher des Browsers.",
    purposes: {
      reporter: "Ihre zufällige Absender-ID, damit Ihre Feedbacks zusammengehören",
      email: "die angegebene E-Mail-Adresse, um sie beim nächsten Mal vorauszufüllen",
      hidden: "wann Sie die Feedback-Schaltfläche ausgeblendet haben, damit sie eine Weile verborgen bleibt",
      prompt: "ob und wie oft sich das Formular von selbst geöffnet hat, damit es nicht ständig fragt",
      answer: "ob Sie das Formular zuletzt gesendet oder geschlossen haben, damit es nicht zu früh wieder fragt",
      answerTime: "wann das war",
    },
    retentionTitle: "Wie lange es gespeichert wird",
    retentionDays: (n: number) => `Feedback wird ${n} Tage nach dem Senden endgültig gelöscht.`,
    retentionNone: "Feedback wird gespeichert, bis das Team der Website es löscht.",
    trash: (trash: number, backup: number) =>
      `Gelöschtes Feedback bleibt ${trash} Tage im Papierkorb und wird dann endgültig gelöscht; die Sicherungen, die es noch enthalten, werden spätestens ${backup} Tage danach gelöscht (insgesamt ${trash + backup} Tage).`,
    erasure: (backup: number) =>
      `Wenn Sie die Löschung Ihrer Daten verlangen, werden sie sofort gelöscht, ohne Papierkorb, und sind nach spätestens ${backup} Tagen aus allen Sicherungen verschwunden.`,
    whereTitle: "Wo es gespeichert wird",
    where: [
      "Nur auf dieser Installation von Loupe, ",
      ", betrieben vom Betreiber der Website. Die Daten sind verschlüsselt gespeichert, ebenso ihre Sicherungen.",
    ],
    noSub:
      "Keine Auftragsverarbeiter: Nichts wird an andere Unternehmen oder Dienste weitergegeben – keine Analyse, keine Werbung, kein Cloud-Speicher.",
    rightsTitle: "Ihre Rechte",
    rights:
      "Sie können vom Betreiber der Website verlangen, dass er Ihnen zeigt, was Sie gesendet haben, Ihnen eine Kopie gibt oder es löscht. Nennen Sie dazu die verwendete E-Mail-Adresse oder Ihre Absender-ID (im localStorage Ihres Browsers unter ",
    rightsEnd: ").",
    rightsNoStorage:
      "Sie können vom Betreiber der Website verlangen, dass er Ihnen zeigt, was Sie gesendet haben, Ihnen eine Kopie gibt oder es löscht; nennen Sie dazu die verwendete E-Mail-Adresse.",
  },
} as const;

/** The project's privacy-page text in one language, as Markdown and HTML. */
export function privacyNotice(input: NoticeInput, lang: NoticeLanguage): { markdown: string; html: string } {
  const x = TEXT[lang];
  const s = input.settings;
  const f = s.fields;
  const collected: Seg[][] = [];
  collected.push([`${x.comment}${f.title.enabled ? x.title2 : ""}${f.rating.enabled ? x.rating : ""}`]);
  if (f.email.enabled) collected.push([f.email.required ? x.emailRequired : x.email]);
  if (f.category.enabled) collected.push([x.category]);
  if (f.custom.length > 0)
    collected.push([
      x.answers,
      ...f.custom.flatMap((c, i): Seg[] => [...(i > 0 ? [", "] : []), x.quotes[0], { user: c.label }, x.quotes[1]]),
    ]);
  const masked: string[] = [
    ...x.masked,
    ...(s.privacy.formFields ? [x.maskForm] : []),
    ...(s.privacy.maskEmails ? [x.maskEmails] : []),
    ...(s.privacy.maskCardNumbers ? [x.maskCards] : []),
  ];
  collected.push([`${x.screenshot}${masked.slice(0, -1).join(", ")}${x.and}${masked.at(-1)}.`]);
  collected.push([s.urlQuery === "keep" ? x.pageKeep : x.pageDrop]);
  collected.push([x.device]);
  if (s.consoleCapture) collected.push([x.console]);
  collected.push([x.custom]);
  collected.push([x.reporter]);
  if (s.storeIp) collected.push([x.ip]);
  const keys = storageKeys(input);
  const blocks: Block[] = [
    { h: 1, text: [x.title, { user: input.projectName }] },
    { p: [x.intro[0], input.publicUrl, x.intro[1]] },
    { h: 2, text: [x.collectedTitle] },
    { p: [x.collectedIntro] },
    { ul: collected },
    ...(s.storeIp ? [] : [{ p: [x.noIp] } as Block]),
    { h: 2, text: [x.storageTitle] },
    ...(keys.length === 0
      ? [{ p: [x.storageOff] } as Block]
      : [
          { p: [x.storageOn] } as Block,
          { ul: keys.map((k) => [{ code: k.key }, ` — ${x.purposes[k.purpose]}`]) } as Block,
        ]),
    { h: 2, text: [x.retentionTitle] },
    {
      ul: [
        [s.retentionDays === null ? x.retentionNone : x.retentionDays(s.retentionDays)],
        [x.trash(input.trashDays, input.backupDays)],
        [x.erasure(input.backupDays)],
      ],
    },
    { h: 2, text: [x.whereTitle] },
    { p: [x.where[0], input.publicUrl, x.where[1]] },
    { p: [x.noSub] },
    { h: 2, text: [x.rightsTitle] },
    { p: keys.length > 0 ? [x.rights, { code: "us-reporter_" }, x.rightsEnd] : [x.rightsNoStorage] },
  ];
  return render(blocks);
}
