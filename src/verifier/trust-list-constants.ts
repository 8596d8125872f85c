/** The trust list's type tag, version and key statuses: shared by its schema and its parser. */
export const TRUST_LIST_TYPE = 'privid/trust-list';
export const TRUST_LIST_VERSION = 1;
export const KEY_STATUSES = ['active', 'retired', 'revoked'] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];
