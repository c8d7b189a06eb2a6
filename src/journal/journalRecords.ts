import { GraphWrite } from '../graph/exactRequest';

/** The writes the extension makes, as the journal names them. */
export const WRITE_OPERATIONS = [
  'revokeLicenses',
  'syncLicenses',
  'createToken',
  'renewToken',
  'editToken',
  'takeOverToken',
  'deleteToken',
  'revokeAppLicenses',
  'revokeAppDeviceLicense',
  'revokeAppUserLicense',
  'uninstallAssignment',
  'removeAssignment',
] as const;
export type WriteOperation = (typeof WRITE_OPERATIONS)[number];

/** The tenant a write went to. */
export interface JournalTenant {
  /** The extension's own key for the tenant: how a later window finds its sign-in. */
  readonly key: string;
  /** The tenant id (or domain) the admin configured. */
  readonly id: string;
  readonly label: string;
  readonly cloud: string;
}

/** What a write acts on: a token, or an app (and one license) of a token. Names are as Graph gave them, cleaned. */
export interface JournalTarget {
  readonly tokenId?: string;
  readonly tokenName?: string;
  readonly appId?: string;
  readonly appName?: string;
  /** The user or device whose single license is revoked, or the assignment of the app that is changed. */
  readonly holderId?: string;
  readonly holderName?: string;
}

/** Plain values only: the options of a revoke, the names of changed fields. Never a secret. */
export type JournalDetails = Readonly<Record<string, string | number | boolean>>;

/**
 * What the tenant showed before the write was sent: what a later reading compares with to tell whether Intune
 * received it. Kept in the journal so that a window started after a crash can still reconcile.
 */
export type JournalEvidence = Readonly<Record<string, string | number | boolean | null | readonly string[]>>;

/** The window that wrote a record: a write in flight in a live window is not an earlier session's. */
export interface JournalSession {
  readonly id: string;
  readonly pid: number;
  readonly host: string;
}

/** How one attempt (one send) ended. */
export type AttemptResult = 'accepted' | 'failed' | 'unconfirmed' | 'cancelled';

/** How a write ended, as far as the extension knows. */
export type WriteOutcome = 'accepted' | 'failed' | 'unconfirmed' | 'cancelled';

/** Written once a write is confirmed and before anything is sent. */
export interface IntentRecord {
  readonly v: 1;
  readonly type: 'intent';
  readonly write: string;
  readonly at: string;
  readonly session: JournalSession;
  /** The bulk run this write belongs to. */
  readonly run?: string;
  readonly tenant: JournalTenant;
  /** The account's user name, or the app's client id. */
  readonly actor: string;
  readonly operation: WriteOperation;
  readonly target: JournalTarget;
  readonly details: JournalDetails;
  /** The request, without the content of a token file. */
  readonly request: GraphWrite;
  readonly evidence: JournalEvidence;
}

/** One send of a write, with the ids Microsoft support asks for. */
export interface AttemptRecord {
  readonly v: 1;
  readonly type: 'attempt';
  readonly write: string;
  readonly at: string;
  readonly result: AttemptResult;
  readonly status?: number;
  readonly requestId?: string;
  readonly clientRequestId?: string;
  readonly reason?: string;
}

/** How a write ended: after its answer, after reading the tenant, or after the admin's Check Now. */
export interface OutcomeRecord {
  readonly v: 1;
  readonly type: 'outcome';
  readonly write: string;
  readonly at: string;
  readonly outcome: WriteOutcome;
  /** Why it failed or stays unconfirmed, or how an unconfirmed write was found received. */
  readonly reason?: string;
  /** Intune's own result, once watched (e.g. "done · 13 licenses, 0 failed"). */
  readonly result?: string;
  /**
   * Intune's result is not final yet (a revoke Apple is still working on): the follow-through reads it until it is,
   * or until a day has passed, and records it then with `pending` false.
   */
  readonly pending?: boolean;
  /**
   * Intune's time of a revoke's final result: Intune licenses assigned apps again at the token's next sync, so the
   * follow-through reads the used licenses after a sync later than this, and records what it found in `afterSync`.
   */
  readonly syncAfter?: string;
  /** What the read after the token's next sync found: no license back, or which apps and assignments brought them back. */
  readonly afterSync?: string;
}

/** A bulk run: every token it was to act on, written before the first of them is sent. */
export interface RunRecord {
  readonly v: 1;
  readonly type: 'run';
  readonly run: string;
  readonly at: string;
  readonly session: JournalSession;
  readonly tenant: JournalTenant;
  readonly actor: string;
  readonly operation: WriteOperation;
  readonly details: JournalDetails;
  readonly tokens: readonly { readonly id: string; readonly name: string }[];
}

/** A bulk run that ended in its window (the tokens without an intent were not sent, on purpose or by Cancel). */
export interface RunEndRecord {
  readonly v: 1;
  readonly type: 'runEnd';
  readonly run: string;
  readonly at: string;
}

export type JournalRecord = IntentRecord | AttemptRecord | OutcomeRecord | RunRecord | RunEndRecord;

/** A check of one field of a record read from disk. */
type FieldCheck = (value: unknown) => boolean;

const isString: FieldCheck = (value) => typeof value === 'string';
const isNumber: FieldCheck = (value) => typeof value === 'number' && Number.isFinite(value);
const isPlain: FieldCheck = (value) => isString(value) || isNumber(value) || typeof value === 'boolean';
const optional =
  (check: FieldCheck): FieldCheck =>
  (value) =>
    value === undefined || check(value);
const oneOf =
  (values: readonly string[]): FieldCheck =>
  (value) =>
    values.includes(value as string);

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object whose named fields each pass their check (other fields are left alone). */
const shaped =
  (fields: Readonly<Record<string, FieldCheck>>): FieldCheck =>
  (value) =>
    isObject(value) && Object.entries(fields).every(([name, check]) => check(value[name]));

const valuesAre =
  (check: FieldCheck): FieldCheck =>
  (value) =>
    isObject(value) && Object.values(value).every(check);

const isSession = shaped({ id: isString, pid: isNumber, host: isString });
const isTenant = shaped({ key: isString, id: isString, label: isString, cloud: isString });
const isOperation = oneOf(WRITE_OPERATIONS);
const isDetails = valuesAre(isPlain);
const OUTCOMES: readonly WriteOutcome[] = ['accepted', 'failed', 'unconfirmed', 'cancelled'];

/** What each type of record must hold, beyond `v`, `type`, its key and `at`: every field a reader relies on. */
const RECORD_FIELDS: Readonly<Record<JournalRecord['type'], Readonly<Record<string, FieldCheck>>>> = {
  intent: {
    session: isSession,
    run: optional(isString),
    tenant: isTenant,
    actor: isString,
    operation: isOperation,
    target: shaped(
      Object.fromEntries(['tokenId', 'tokenName', 'appId', 'appName', 'holderId', 'holderName'].map((name) => [name, optional(isString)])),
    ),
    details: isDetails,
    request: shaped({ method: isString, path: isString, body: optional(isObject) }),
    evidence: valuesAre((value) => value === null || isPlain(value) || (Array.isArray(value) && value.every(isString))),
  },
  attempt: {
    result: oneOf(OUTCOMES),
    status: optional(isNumber),
    requestId: optional(isString),
    clientRequestId: optional(isString),
    reason: optional(isString),
  },
  outcome: {
    outcome: oneOf(OUTCOMES),
    reason: optional(isString),
    result: optional(isString),
    pending: optional((value) => typeof value === 'boolean'),
    syncAfter: optional(isString),
    afterSync: optional(isString),
  },
  run: {
    session: isSession,
    tenant: isTenant,
    actor: isString,
    operation: isOperation,
    details: isDetails,
    tokens: (value) => Array.isArray(value) && value.every(shaped({ id: isString, name: isString })),
  },
  runEnd: {},
};

/**
 * A line of the journal as a record, or undefined when it is not one (a torn line, another version's record, a
 * hand edit). The journal is a file on disk that anything on the machine may have changed: every field a reader
 * relies on is checked, so that no record makes the History or the check of an earlier session fail.
 */
export function parseRecord(line: string): JournalRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  // The type is checked to be text first: an object there (`{"toString": false}`) cannot be a property key.
  if (!isObject(value) || value.v !== 1 || !isString(value.type) || !Object.hasOwn(RECORD_FIELDS, value.type as string)) {
    return undefined;
  }
  const type = value.type as JournalRecord['type'];
  const key = type === 'run' || type === 'runEnd' ? value.run : value.write;
  const known = isString(key) && isString(value.at) && !Number.isNaN(Date.parse(value.at as string));
  return known && shaped(RECORD_FIELDS[type])(value) ? (value as unknown as JournalRecord) : undefined;
}
