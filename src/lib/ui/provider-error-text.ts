// Chat and provider failures in words. A ProviderError's message is already written for the user
// (what happened and what to do, CORS included, never the key), and so are the chat engine's
// refusals (a reply still arriving, nothing to send); anything else goes through errorText.
import { isProviderError } from '../providers';
import { isTernError } from '../errors';
import { errorText } from './error-text';

export function providerErrorText(e: unknown): string {
  if (isProviderError(e)) return e.message;
  if ((isTernError(e, 'conflict') || isTernError(e, 'invalid-input')) && e.message)
    return e.message;
  return errorText(e);
}
