// Sync's words: what is wrong with a field of the sync form, and a failure of the sync state as a
// sentence. Each check returns null when the value is fine.
import { isTernError } from '../errors';
import { errorText } from './error-text';

/** CouchDB's own rule for a database name; the server refuses any other. */
export const DB_NAME = /^[a-z][a-z0-9_$()+/-]*$/;

export function urlProblem(url: string): string | null {
  const text = url.trim();
  if (text === '') return "Enter your server's address, e.g. https://couch.example.com.";
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return 'This is not a web address: it starts with https:// (or http://).';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return 'The address must start with https:// (or http://).';
  // The settings keep the address apart from the credentials, which have their own fields.
  if (parsed.username !== '' || parsed.password !== '')
    return 'Leave the user name and password out of the address: they have their own fields.';
  return null;
}

/** A hint rather than a refusal: plain http is fine on this device or a home network. */
export function urlWarning(url: string): string | null {
  try {
    const parsed = new URL(url.trim());
    const local =
      /^(localhost|127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|\[::1\]$)|\.local$/.test(
        parsed.hostname,
      );
    if (parsed.protocol === 'http:' && !local)
      return 'With http:// your password or token and your data cross the network unencrypted; use https:// if the server offers it.';
  } catch {
    // urlProblem says what is wrong with it.
  }
  return null;
}

export function dbNameProblem(name: string): string | null {
  if (name.trim() === '') return 'Enter the name of the database, e.g. tern.';
  if (!DB_NAME.test(name.trim()))
    return 'A database name starts with a lowercase letter, then only lowercase letters, digits and _ $ ( ) + - /.';
  return null;
}

/** The same minimum as the lock on API keys. */
export const MIN_PASSPHRASE = 8;

export function passphraseProblem(passphrase: string): string | null {
  if (passphrase === '') return 'Enter the passphrase (the same on every device).';
  if (passphrase.length < MIN_PASSPHRASE)
    return `Choose a passphrase of at least ${MIN_PASSPHRASE} characters.`;
  return null;
}

/** A failure thrown by the sync state, in words. */
export function syncErrorText(e: unknown): string {
  const code =
    typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string'
      ? e.code
      : null;
  // The shared table's wording is about the API keys' lock; this passphrase is another one.
  if (code === 'wrong-passphrase')
    return 'That is not the passphrase your data on this server was encrypted with. Type the one you chose on your first device.';
  if (isTernError(e)) return errorText(e);
  const message = typeof e === 'object' && e !== null ? messageOf(e) : '';
  // The sync engine's own problems carry a code and a message written for people, as its reports
  // do; anything else (a bug, a browser refusal) is named, so it can be reported.
  if (code !== null && message !== '') return message;
  if (message !== '') return `Sync ran into a problem: ${message}`;
  return errorText(e);
}

function messageOf(e: object): string {
  return 'message' in e && typeof e.message === 'string' ? e.message : '';
}
