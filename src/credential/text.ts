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

/**
 * Display names: one or more characters, none a control character (C0, DEL, C1), no unpaired
 * surrogates, and nothing invisible that changes what a name looks like: a venue's name is shown on
 * the consent screen, and bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C) can
 * reorder it ("Bar" showing as another venue's name), zero-width and other default-ignorable code
 * points (U+00AD, U+034F, U+115F/60, U+17B4/5, U+180B–U+180F, U+200B–U+200F, U+2060–U+206F,
 * U+3164, U+FEFF, U+FFA0, U+FFF0–U+FFFB) hide text or make two names that look alike differ. The
 * line and paragraph separators U+2028/9 are refused too. Variation selectors (U+FE00–U+FE0F)
 * stay allowed: they only pick a glyph of the character before them (emoji presentation).
 *
 * The astral default-ignorables (tags U+E0000–U+E0FFF, U+1BCA0–U+1BCA3, U+1D173–U+1D17A) are
 * refused by the lookahead on their surrogates, which only engines without the `u` flag see
 * (TypeBox's Value, i.e. the wallet reading `client_name`); with `u` (ajv, the server) a pattern
 * cannot name an astral range in a way both modes accept, so the server lets them through and
 * the wallet refuses the request object that carries them.
 */
export const DISPLAY_NAME_PATTERN =
  '^(?:(?![\\uDB40-\\uDB43]|\\uD82F[\\uDCA0-\\uDCA3]|\\uD834[\\uDD73-\\uDD7A])' +
  '(?:[^\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f' +
  '\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u206f\\u3164\\ufeff\\uffa0\\ufff0-\\ufffb\\uD800-\\uDFFF]' +
  '|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]))+$';

/** What the API says about a value that one of the two patterns above refuses. */
export const TEXT_PATTERN_MESSAGES: Readonly<Record<string, string>> = {
  [WELL_FORMED_TEXT_PATTERN]: 'must not contain U+0000 (NUL) or an unpaired UTF-16 surrogate',
  [DISPLAY_NAME_PATTERN]:
    'must not be empty or contain control characters (U+0000-U+001F, U+007F-U+009F), invisible or ' +
    'direction-changing characters (e.g. U+200B-U+200F zero-width, U+202A-U+202E and U+2066-U+2069 bidi ' +
    'controls, U+FEFF) or an unpaired UTF-16 surrogate',
};

/** Whether a string is text as above (no NUL, no unpaired surrogate): for checks outside a JSON Schema. */
export function isWellFormedText(value: string): boolean {
  return WELL_FORMED_TEXT_RE.test(value);
}

const WELL_FORMED_TEXT_RE = new RegExp(WELL_FORMED_TEXT_PATTERN);
