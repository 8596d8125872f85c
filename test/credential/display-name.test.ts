// Display names (a venue's `client_name` on the consent screen, venue and lab names in the API) refuse
// what would make a name look like another: bidi controls that reorder it and invisible
// (default-ignorable) code points. The pattern runs with the `u` flag (ajv, the server) and without
// it (TypeBox's Value, the wallet): both are checked.
import { describe, expect, it } from 'vitest';

import {
  CredentialFormatError,
  DISPLAY_NAME_PATTERN,
  parseRequestObject,
  requestObjectClaims,
} from '../../src/credential/index.js';
import { clause, makeRequest, TestIssuer } from '../holder/support.js';

const withU = new RegExp(DISPLAY_NAME_PATTERN, 'u');
const withoutU = new RegExp(DISPLAY_NAME_PATTERN);

const ALLOWED = ['Riverside Stadium', 'Café Müller', 'Bar 🍺', 'Kaffee ☕️', '東京ドーム', 'مقهى', 'Ølstue & Co.'];

/** Each hides text or reorders what is shown. */
const REFUSED: Record<string, string> = {
  'U+200B zero-width space': 'Bar\u200bA',
  'U+200C zero-width non-joiner': 'Bar\u200c',
  'U+200D zero-width joiner': 'B\u200dar',
  'U+200E left-to-right mark': '\u200eBar',
  'U+200F right-to-left mark': 'Bar\u200f',
  'U+202A left-to-right embedding': '\u202aBar',
  'U+202E right-to-left override': 'Bar \u202emuidatS',
  'U+2060 word joiner': 'Ba\u2060r',
  'U+2066 left-to-right isolate': '\u2066Bar',
  'U+2069 pop directional isolate': 'Bar\u2069',
  'U+FEFF zero-width no-break space': '\ufeffBar',
  'U+00AD soft hyphen': 'Ba\u00adr',
  'U+061C Arabic letter mark': 'Bar\u061c',
  'U+2028 line separator': 'Bar\u2028Stadium',
  'U+3164 Hangul filler': '\u3164',
  'a C1 control': 'Bar\u0085',
  'a lone surrogate': 'Bar\ud800',
  empty: '',
};

describe('DISPLAY_NAME_PATTERN', () => {
  it.each(ALLOWED)('allows %s in both regex modes', (name) => {
    expect(withU.test(name)).toBe(true);
    expect(withoutU.test(name)).toBe(true);
  });

  it.each(Object.entries(REFUSED))('refuses %s in both regex modes', (_what, name) => {
    expect(withU.test(name)).toBe(false);
    expect(withoutU.test(name)).toBe(false);
  });

  it('refuses tag characters (U+E0000 block) where the pattern runs without the u flag (the wallet)', () => {
    expect(withoutU.test('Bar\u{E0041}\u{E0042}')).toBe(false);
    expect(withoutU.test('Bar\u{1D173}')).toBe(false);
  });

  it('a signed request whose client_name carries a bidi override is not a valid request object', () => {
    const issuer = new TestIssuer();
    const request = makeRequest([clause('privid:age-band@1', [issuer])]);
    const claims = requestObjectClaims(request, { issuedAt: request.expiresAt - 60 });
    const error = (() => {
      try {
        return parseRequestObject({ ...claims, client_metadata: { client_name: 'Free \u202eraB' } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CredentialFormatError);
    expect((error as CredentialFormatError).path).toBe('/client_metadata/client_name');
  });
});
