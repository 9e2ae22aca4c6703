// Provider failures in words. A ProviderError's message is already written for the user (what
// happened and what to do, CORS included, never the key); anything else goes through errorText.
import { isProviderError } from '../providers';
import { errorText } from './error-text';

export function providerErrorText(e: unknown): string {
  if (isProviderError(e)) return e.message;
  return errorText(e);
}
