/**
 * The sign-in form shared by the desk and the gate: the key is checked with one API call before it
 * is kept (in sessionStorage, see api.ts).
 */
import { ApiProblem, type KeyStore } from './api.js';
import { byId, say, show } from './dom.js';
import { strings } from '../strings.js';

const S = strings();

/**
 * Wires #signin-form and #signout; calls `ready(key)` once a key is accepted (also at load, when
 * the tab already holds one), and `out()` after signing out.
 */
export function signIn(store: KeyStore, check: (key: string) => Promise<void>, ready: (key: string) => void): void {
  const form = byId<HTMLFormElement>('signin-form');
  const input = byId<HTMLInputElement>('signin-key');
  const error = byId('signin-error');
  const section = byId('signin');
  const signout = byId<HTMLButtonElement>('signout');

  const accept = async (key: string): Promise<boolean> => {
    try {
      await check(key);
    } catch (problem) {
      say(error, problem instanceof ApiProblem ? problem.message : S.errors.network!);
      return false;
    }
    store.set(key);
    say(error, '');
    show(section, false);
    show(signout);
    ready(key);
    return true;
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    say(error, S.signin.checking);
    void accept(key).then((ok) => {
      if (ok) input.value = '';
      else input.focus();
    });
  });
  signout.addEventListener('click', () => {
    store.clear();
    location.reload();
  });

  const kept = store.get();
  if (kept) {
    void accept(kept).then((ok) => {
      if (!ok) store.clear();
    });
  }
}
