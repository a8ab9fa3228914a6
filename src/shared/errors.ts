/**
 * The one table of Loupe's error codes: code → HTTP status → default English message. The server
 * answers every error as problem+json carrying one of these codes; the widget and the admin UI map
 * the codes to their own localized text, and tests assert codes, never message text.
 * INTERNAL is the one 500 a client sees (a generic failure with the request id); the other 500 codes are
 * start-up and command-line failures, printed by `loupe`, never sent.
 */
export const ERROR_CODES = {
  // 400: the request itself is wrong
  BAD_REQUEST: { status: 400, message: "The request was refused." },
  HTTPS_REQUIRED: {
    status: 400,
    message: "The API answers over HTTPS only; send the request to the https:// address.",
  },
  VALIDATION_FAILED: { status: 400, message: "Some fields are invalid; see errors." },
  PASSWORD_POLICY: { status: 400, message: "The password does not meet the password rules." },
  TOKEN_INVALID: { status: 400, message: "The link or token is invalid or has expired." },
  MFA_ENROLMENT_CODE_INVALID: {
    status: 400,
    message: "That code is not valid. Check the authenticator's clock and try the next code.",
  },
  NEW_KEY_FILE_REQUIRED: { status: 400, message: "Give --new-key-file PATH." },
  // 401: who is calling is unknown or no longer valid
  UNAUTHENTICATED: { status: 401, message: "Sign in first." },
  INVALID_CREDENTIALS: { status: 401, message: "The email or password is wrong." },
  MFA_CHALLENGE_INVALID: { status: 401, message: "The sign-in has expired; sign in again." },
  MFA_CODE_INVALID: { status: 401, message: "That code is not valid." },
  TEAM_SESSION_IDLE: {
    status: 401,
    message: "This team signs you out after a shorter inactivity; sign in again to go on.",
  },
  // 403: known caller, not allowed
  FORBIDDEN: { status: 403, message: "You are not allowed to do this." },
  ACCOUNT_DISABLED: { status: 403, message: "This account is disabled." },
  MFA_ENROLMENT_REQUIRED: { status: 403, message: "Set up two-factor authentication first." },
  REAUTH_REQUIRED: { status: 403, message: "Confirm it is you (password or code) and try again." },
  CURRENT_PASSWORD_INVALID: { status: 403, message: "The current password is wrong." },
  CSRF_REJECTED: {
    status: 403,
    message: "This request must come from Loupe's own pages (Origin and X-Requested-With).",
  },
  TOKEN_NOT_ALLOWED: { status: 403, message: "API tokens cannot be used here; sign in." },
  TOKEN_SCOPE: { status: 403, message: "This token may only read." },
  SSO_REQUIRED: { status: 403, message: "This team requires signing in with its single sign-on provider." },
  ORIGIN_NOT_ALLOWED: {
    status: 403,
    message: "This site may not send feedback to this project (its origin is not allowed).",
  },
  INVITATION_EMAIL_MISMATCH: {
    status: 403,
    message: "This invitation is for another email address: sign in with that one.",
  },
  // 404, 405
  NOT_FOUND: { status: 404, message: "There is nothing at this address." },
  METHOD_NOT_ALLOWED: { status: 405, message: "This method is not allowed here." },
  // 409: the request conflicts with the current state
  EMAIL_TAKEN: { status: 409, message: "An account with this email address exists." },
  ALREADY_MEMBER: { status: 409, message: "You are already a member of this team." },
  IDEMPOTENCY_CONFLICT: { status: 409, message: "This submission id was already used for a different submission." },
  LAST_OWNER: { status: 409, message: "A team always keeps at least one owner: make someone else owner first." },
  LABEL_EXISTS: { status: 409, message: "A label with this name exists." },
  PROJECT_NOT_EMPTY: { status: 409, message: "Delete the project's feedback first." },
  NOT_IN_TRASH: { status: 409, message: "The item is not in the trash." },
  MFA_ALREADY_ENABLED: { status: 409, message: "Two-factor authentication is already on." },
  MFA_NOT_ENABLED: { status: 409, message: "Two-factor authentication is not on." },
  SSO_ALREADY_LINKED: { status: 409, message: "This provider account is linked to another user." },
  POLICY_WOULD_LOCK_OUT: { status: 409, message: "This policy would lock you out: meet it yourself first." },
  OWN_ACCOUNT: { status: 409, message: "You cannot do this to your own account." },
  LAST_SIGN_IN_METHOD: {
    status: 409,
    message: "This is your only way to sign in: set a password or link another provider first.",
  },
  DATA_DIR_LOCKED: { status: 409, message: "Another Loupe process is using this data directory." },
  BACKUP_RUNNING: { status: 409, message: "A backup or verification is already running; wait for it to finish." },
  // 412–429
  VERSION_CONFLICT: { status: 412, message: "The item changed since you loaded it; reload and try again." },
  PAYLOAD_TOO_LARGE: { status: 413, message: "The request body is larger than allowed." },
  STORAGE_QUOTA_EXCEEDED: {
    status: 413,
    message: "The team's screenshot storage is full: delete old feedback or ask the operator for more.",
  },
  IMAGE_TOO_LARGE: { status: 413, message: "The screenshot has too many pixels." },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: "This content type is not accepted here." },
  PRECONDITION_REQUIRED: {
    status: 428,
    message: "Send If-Match with the item's ETag: updates must not overwrite changes you have not seen.",
  },
  TOO_MANY_ATTEMPTS: { status: 429, message: "Too many attempts. Wait before trying again." },
  TOO_MANY_STREAMS: { status: 429, message: "Too many live-update streams for this sign-in: close a tab and reload." },
  // 5xx
  INTERNAL: { status: 500, message: "Something went wrong on the server. Quote the request id when reporting it." },
  SSO_FAILED: { status: 502, message: "The sign-in provider could not be reached or answered wrongly." },
  SMTP_NOT_CONFIGURED: { status: 503, message: "This server sends no email." },
  SERVER_STARTING: { status: 503, message: "Loupe is starting; try again in a moment." },
  SERVICE_UNAVAILABLE: { status: 503, message: "The service is unavailable; try again shortly." },
  NOT_READY: { status: 503, message: "Not ready." },
  ERASURE_LOG_INVALID: {
    status: 503,
    message:
      "The erasure log failed its integrity check, so no erasure can be recorded; an instance admin must look at it first.",
  },
  STORAGE_BUSY: { status: 503, message: "The database is busy. Nothing was saved; try again shortly." },
  STORAGE_FULL: { status: 507, message: "The server's storage is full. Nothing was saved; try again later." },
  BACKUP_NO_SPACE: { status: 507, message: "Not enough free space on the data volume for a backup." },
  // Start-up and command-line failures (never an HTTP answer)
  PORT_IN_USE: { status: 500, message: "The port is already in use." },
  TLS_INVALID: { status: 500, message: "The TLS certificate or key cannot be used." },
  DATABASE_OPEN_FAILED: { status: 500, message: "Cannot open the database file." },
  DATABASE_KEY_MISMATCH: { status: 500, message: "The database does not open with this key." },
  DATA_KEY_RECOVERY_FAILED: { status: 500, message: "The database opens with neither data key." },
  DATA_KEY_ROTATION_FAILED: { status: 500, message: "The data key rotation failed." },
  KEYRING_MISSING: { status: 500, message: "The keyring is missing." },
  KEYRING_UNREADABLE: { status: 500, message: "The keyring cannot be read." },
  MASTER_KEY_MISSING: { status: 500, message: "The master key cannot be read." },
  MASTER_KEY_INVALID: { status: 500, message: "The master key is not 32 random bytes in base64." },
  MASTER_KEY_MISMATCH: { status: 500, message: "The keyring does not open with this master key." },
  MIGRATION_INVALID: { status: 500, message: "A migration file is invalid." },
  MIGRATION_CHANGED: { status: 500, message: "An applied migration file was changed." },
  MIGRATION_UNKNOWN: { status: 500, message: "The database has a migration this version does not know." },
  MIGRATION_FAILED: { status: 500, message: "A migration failed; nothing of it was applied." },
  NO_DATA: { status: 500, message: "There is no Loupe data here yet." },
  // Backups: refusals of `loupe backup verify|restore` and failed drills (reported, never a request's answer)
  BACKUP_FAILED: { status: 500, message: "The backup failed." },
  BACKUP_IDENTITY_MISSING: { status: 500, message: "The backup identity is missing." },
  BACKUP_IDENTITY_INVALID: { status: 500, message: "The backup identity file is invalid." },
  BACKUP_UNREADABLE: { status: 500, message: "The backup cannot be decrypted." },
  BACKUP_ARCHIVE_REFUSED: { status: 500, message: "The backup archive holds something a Loupe backup never has." },
  BACKUP_MANIFEST_INVALID: { status: 500, message: "The backup's manifest is invalid." },
  BACKUP_MANIFEST_MISMATCH: { status: 500, message: "The backup does not match its manifest." },
  BACKUP_NEWER_FORMAT: { status: 500, message: "The backup has a newer format than this Loupe reads." },
  BACKUP_NEWER_SCHEMA: { status: 500, message: "The backup's schema is newer than this Loupe's." },
  BACKUP_MASTER_KEY_MISMATCH: { status: 500, message: "No master key at hand opens the backup's keyring." },
  BACKUP_SNAPSHOT_UNREADABLE: { status: 500, message: "The snapshot in the backup cannot be opened." },
  BACKUP_INTEGRITY_FAILED: { status: 500, message: "The snapshot in the backup fails its integrity check." },
  BACKUP_AUDIT_BROKEN: { status: 500, message: "The audit trail in the backup is broken." },
  BACKUP_BOOT_FAILED: {
    status: 500,
    message: "The app booted on the restored copy is not ready or does not find the record the backup recorded.",
  },
  RESTORE_FAILED: { status: 500, message: "The restore failed; the previous data was put back." },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One field that failed validation: the field's path and what it must be (never the value sent). */
export type FieldError = { field: string; message: string };

/** The problem+json body (RFC 9457) every error response carries. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId: string;
  errors?: FieldError[];
};
