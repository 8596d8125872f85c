/**
 * Free text in the JSON formats and the HTTP API: any Unicode text except U+0000 (NUL) and unpaired
 * UTF-16 surrogates. Neither can be stored (PostgreSQL's text and jsonb refuse NUL; a lone surrogate
 * has no UTF-8 form, so TextEncoder would silently turn it into U+FFFD and two different strings into
 * the same bytes), so they are refused where the text enters: in the JSON Schema, by a pattern.
 *
 * The patterns work the same with and without the RegExp `u` flag: ajv (the server) compiles patterns
 * with it, TypeBox's Value (this package, on Hermes too) without. Without `u` a surrogate pair is two
 * code units that the second alternative takes together; with `u` it is one code point that the first
 * takes; a lone surrogate matches neither.
 */
/** Text without NUL and without unpaired surrogates (may be empty; bound it with minLength/maxLength). */
export const WELL_FORMED_TEXT_PATTERN = '^(?:[^\\u0000\\uD800-\\uDFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])*$';

/** Display names: one or more characters, none a control character (C0, DEL, C1), no unpaired surrogates. */
export const DISPLAY_NAME_PATTERN =
  '^(?:[^\\u0000-\\u001f\\u007f-\\u009f\\uD800-\\uDFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])+$';

/** What the API says about a value that one of the two patterns above refuses. */
export const TEXT_PATTERN_MESSAGES: Readonly<Record<string, string>> = {
  [WELL_FORMED_TEXT_PATTERN]: 'must not contain U+0000 (NUL) or an unpaired UTF-16 surrogate',
  [DISPLAY_NAME_PATTERN]:
    'must not be empty or contain control characters (U+0000-U+001F, U+007F-U+009F) or an unpaired UTF-16 surrogate',
};

/** Whether a string is text as above (no NUL, no unpaired surrogate): for checks outside a JSON Schema. */
export function isWellFormedText(value: string): boolean {
  return WELL_FORMED_TEXT_RE.test(value);
}

const WELL_FORMED_TEXT_RE = new RegExp(WELL_FORMED_TEXT_PATTERN);
