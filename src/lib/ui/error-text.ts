// The UI edge: what each error code means to a person, and what they can do about it.
import type { ErrorCode } from '../errors';

const TEXT: Record<ErrorCode, string> = {
  'quota-exceeded':
    'Your device is out of storage space for Tern. Nothing was half-saved. Free some space (delete images or old sessions, or export and remove them) and try again.',
  'not-found': 'That item no longer exists. It may have been removed in another tab.',
  'session-trashed': 'This session is in the trash. Restore it to change it.',
  'read-only':
    'This data was last used by a newer version of Tern. It is shown read-only so nothing is damaged; reload to get the newer version.',
  'database-closed': 'Tern closed its connection to your data. Reload the page to continue.',
  'storage-unavailable':
    'This browser is not letting Tern store data (private browsing can do that). You can still chat, but nothing will be kept after you close the tab.',
  'upgrade-blocked': 'Tern is waiting for its other tabs to close so it can update your data.',
  'upgrade-failed':
    'Tern could not update your data to the new version. Nothing was changed; your data is as it was.',
  'upgrade-incomplete':
    'An update of your data did not finish. A copy from just before it is kept: restore it in Settings → Storage.',
  'snapshot-failed':
    'Tern needs to update your data, but could not first save a safety copy (the device may be full). Nothing was changed. Free some space and reload.',
  'backup-failed':
    'Tern could not write or restore that backup file (the device may be full). A copy of your data from before any restore is kept in Settings → Storage.',
  'invalid-input': 'That input was not accepted.',
  conflict: 'That item already exists.',
  aborted: 'That was stopped before it finished. Nothing was changed.',
  'keys-locked':
    'Your API keys are locked with a passphrase. Unlock them in Settings → App, then try again.',
  'wrong-passphrase': 'That is not the passphrase the API keys were locked with.',
  unknown: 'Something went wrong. Your data is as it was.',
};

export function errorText(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const code = e.code;
    if (typeof code === 'string' && code in TEXT) {
      const msg = (e as { message?: unknown }).message;
      // invalid-input and conflict messages are written for people already (a conflict says what
      // is in the way: a reply still being written, a compaction); the rest use the table.
      if (
        (code === 'invalid-input' || code === 'conflict') &&
        typeof msg === 'string' &&
        msg !== ''
      )
        return msg;
      return TEXT[code as ErrorCode];
    }
  }
  return TEXT.unknown;
}
