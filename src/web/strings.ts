/**
 * Every word the pages show, in one place: the server-rendered HTML and the page scripts both
 * read this object. To translate the screens, add a copy of `en` in another language and choose
 * it in `strings()`. Reason texts are written for the person at the door, not for a developer.
 */
export const en = {
  lang: 'en',
  product: 'privid',
  skip: 'Skip to the main content',
  nav: { home: 'Home', desk: 'Lab desk', gate: 'Venue gate', wallet: 'Wallet', api: 'API (Swagger UI)' },
  landing: {
    title: 'privid: anonymous credentials for the door',
    lead: 'A lab issues a credential, the holder keeps it in a wallet, a venue checks only what it needs.',
    screens: 'Screens',
    desk: 'Lab desk: turn a test result into a QR code for the holder.',
    gate: 'Venue gate: show a QR code at the door and see green or red.',
    wallet: 'Reference wallet: the holder SDK in this browser.',
    developers: 'For developers',
    swagger: 'The API in Swagger UI',
    openapi: 'The OpenAPI document (JSON)',
    docs: 'Documentation',
    docNames: {
      architecture: 'Architecture: how the parts fit',
      'verifier-api': 'The verifier API for venues',
      'holder-sdk': 'The holder SDK for wallet apps',
      'credential-model': 'The credential model and QR formats',
    } as Record<string, string>,
    notServed: 'not served by this instance',
  },
  signin: {
    labKey: 'Lab API key',
    venueKey: 'Venue API key',
    hint: 'Kept in this browser tab only, until you sign out or close the tab.',
    submit: 'Sign in',
    signout: 'Sign out',
    checking: 'Checking the key…',
    failed: 'This key was not accepted.',
  },
  desk: {
    title: 'Lab desk',
    compose: 'New credential',
    schema: 'Credential type',
    validDays: 'Valid for (days)',
    create: 'Create offer',
    creating: 'Creating the offer…',
    offer: 'Offer for the holder',
    qrAlt: 'QR code of the offer. The holder scans it with their wallet.',
    kind: 'Credential',
    validUntil: 'Valid until',
    expiresAt: 'Offer can be collected until',
    status: 'Status',
    statuses: {
      pending: 'Waiting for the holder to scan it',
      redeemed: 'Collected by the holder',
      expired: 'Expired: not collected in time',
      cancelled: 'Cancelled',
    } as Record<string, string>,
    cancel: 'Cancel offer',
    cancelled: 'The offer was cancelled.',
    print: 'Print receipt',
    another: 'New offer',
    receiptNote: 'Scan this code with your privid wallet to collect your credential.',
    choose: 'Choose…',
    yes: 'Yes',
    no: 'No',
    invalid: 'Please correct the highlighted fields.',
  },
  gate: {
    title: 'Venue gate',
    setup: 'Set up the door',
    policy: 'What to check',
    start: 'Start',
    scan: 'Scan with your wallet',
    qrAlt: 'QR code of the venue request. Guests scan it with their wallet.',
    waiting: 'Waiting for a guest…',
    checking: 'Checking…',
    accepted: 'Welcome in',
    rejected: 'Not accepted',
    expired: 'The code expired; showing a new one.',
    learned: 'What the pass shows',
    next: 'Next guest',
    stop: 'Change what to check',
    noPolicies: 'This venue has no policy yet. Ask the administrator to create one.',
    pseudonym: 'Recognised as a returning guest only within this venue and period.',
    connection: 'Connection to the server lost; retrying…',
  },
  wallet: {
    title: 'Wallet',
  },
  values: {
    testResult: { negative: 'negative test', positive: 'positive test', inconclusive: 'inconclusive test' },
    ageOver18: { true: 'over 18', false: 'not over 18' },
    ageOver21: { true: 'over 21', false: 'not over 21' },
  } as Record<string, Record<string, string>>,
  attributes: {
    testResult: 'Test result',
    testType: 'Test type',
    sampleDay: 'Sample taken on',
    productClass: 'Vaccine type',
    doseCount: 'Doses',
    lastDoseDay: 'Last dose on',
    band: 'Age band',
    ageOver18: 'Over 18',
    ageOver21: 'Over 21',
    validFrom: 'Valid from',
    validUntil: 'Valid until',
  } as Record<string, string>,
  validToday: 'valid today',
  validUntilDay: 'valid until {date}',
  /** What a rejection means, for the person at the door. */
  reasons: {
    SCHEMA_MISMATCH: 'The pass is not the kind this door asks for (for example no test result).',
    MISSING_GROUP: 'The pass does not show what this door asks for.',
    CONSTRAINT_FAILED: 'The pass does not meet the rule (for example the test is not negative).',
    EXPIRED: 'The pass has expired.',
    NOT_YET_VALID: 'The pass is not valid yet.',
    UNTRUSTED_ISSUER: 'The pass comes from a lab this venue does not trust.',
    UNKNOWN_KEY: 'The pass comes from a lab this venue does not trust.',
    KEY_REVOKED: 'The lab withdrew the key that signed this pass.',
    PROOF_INVALID: 'The pass is forged or damaged.',
    MALFORMED: 'The pass is forged or damaged.',
    PRESENTATION_REPLAYED: 'This answer was copied from another screen or visit.',
    PSEUDONYM_ALREADY_USED: 'This guest has already been let in today.',
    PSEUDONYM_MISSING: 'The pass did not show the venue-only guest number this door needs.',
    PSEUDONYM_MISMATCH: 'The pass did not show the venue-only guest number this door needs.',
    UNDISCLOSED_ATTRIBUTE: 'The pass did not show everything this door asks for.',
    EXTRA_DISCLOSURE: 'The pass showed more than this door asks for.',
    UNSUPPORTED_SUITE: 'The pass uses a format this door cannot check.',
    VERIFICATION_ERROR: 'The check could not finish. Ask the guest to try again.',
    INTERRUPTED: 'The check could not finish. Ask the guest to try again.',
    REQUEST_EXPIRED: 'The code expired before the guest answered.',
  } as Record<string, string>,
  unknownReason: 'The pass was not accepted ({code}).',
  errors: {
    network: 'The server could not be reached. Check the connection and try again.',
    UNAUTHENTICATED: 'This key was not accepted. Check it and sign in again.',
    RATE_LIMITED: 'Too many attempts. Wait a minute and try again.',
    VALIDATION_FAILED: 'Some values are not valid.',
    UNKNOWN_SCHEMA: 'This lab cannot issue this credential type.',
    NO_ACTIVE_KEY: 'This lab has no signing key yet. Ask the administrator to create one.',
    OFFER_ALREADY_REDEEMED: 'The holder has already collected this offer.',
    OFFER_EXPIRED: 'This offer has expired.',
    OFFER_CANCELLED: 'This offer was already cancelled.',
    NOT_FOUND: 'Not found.',
  } as Record<string, string>,
};

export type Strings = typeof en;

/** The strings for a language; English until another is added. */
export function strings(_lang = 'en'): Strings {
  return en;
}

/** Fills `{name}` placeholders. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
}
