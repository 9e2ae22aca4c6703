// A JSON Web Token as Tern reads it: its shape, its user and its expiry, never its signature. The
// server holds the key and checks the signature; reading the claims here only lets the form say
// before connecting that a token cannot work (cut when copied, or past its `exp`), and lets a
// refusal by the server say which of the two it was.

/** One part of a JWT: unpadded base64url (RFC 7519, §7.2), never empty. */
const PART = /^[A-Za-z0-9_-]+$/;

/** The header and claims of a token that has a JWT's shape; null when it has not. */
function decode(
  token: string,
): { header: Record<string, unknown>; claims: Record<string, unknown> } | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => PART.test(p))) return null;
  const header = json(parts[0]!);
  const claims = json(parts[1]!);
  return header && claims ? { header, claims } : null;
}

function json(part: string): Record<string, unknown> | null {
  try {
    const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * What keeps this text from being a JWT, in words for the field; null when it has the shape (three
 * base64url parts separated by dots, the first two JSON objects). Says nothing about expiry.
 */
export function tokenShapeProblem(text: string): string | null {
  const token = text.trim();
  if (token === '') return "Paste the token your server's administrator gave you.";
  // Copied from a request or a curl line: the scheme is Tern's to add.
  if (/^bearer\s/i.test(token)) return 'Leave out “Bearer”: paste the token alone.';
  if (/\s/.test(token)) return 'A token has no spaces or line breaks: copy it again, in one piece.';
  const parts = token.split('.');
  if (parts.length !== 3)
    return `A token (JWT) is three parts separated by dots; this has ${parts.length}. Copy the whole token again.`;
  if (parts.some((p) => p === ''))
    return 'A part of this token is empty (a token from a server has a header, claims and a signature). Copy the whole token again.';
  if (!parts.every((p) => PART.test(p)))
    return 'A token holds only letters, digits, - and _ between its dots; this one has other characters. Copy it again.';
  if (decode(token) === null)
    return 'This does not read as a JWT: its first two parts are not a header and claims. Copy the whole token again.';
  return null;
}

/** When the token stops being valid (its `exp` claim, in ms); null without one. */
export function tokenExpiry(text: string): number | null {
  const exp = decode(text.trim())?.claims.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : null;
}

/** The user the token signs in as (its `sub` claim, which CouchDB takes as the user name). */
export function tokenSubject(text: string): string | null {
  const sub = decode(text.trim())?.claims.sub;
  return typeof sub === 'string' && sub !== '' ? sub : null;
}

/** A moment in the words of the user's locale. */
export function dateText(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'long', timeStyle: 'short' });
}

export function expiredText(expiry: number): string {
  return `This token expired on ${dateText(expiry)}; get a new one from your server's administrator.`;
}

/**
 * Everything the form says about a token before connecting: its shape, then whether its `exp` is
 * past by this device's clock. The server's clock decides in the end; a device whose clock is far
 * off would see a good token refused here, which the message's date makes easy to notice.
 */
export function tokenProblem(text: string, now: number): string | null {
  const shape = tokenShapeProblem(text);
  if (shape !== null) return shape;
  const expiry = tokenExpiry(text);
  return expiry !== null && expiry <= now ? expiredText(expiry) : null;
}
