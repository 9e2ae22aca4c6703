// The one place the composer hands a message over: to the chat engine, which stores it at once
// (pending) and sends it now or when the network is back. Stop aborts the session's reply in
// whichever tab receives it; what arrived is kept.
import type { MessagePart } from '../db/rows';
import { providerErrorText } from '../ui/provider-error-text';
import { chat } from './chat.svelte';
import { view } from './view.svelte';

export interface Outgoing {
  sessionId: string;
  text: string;
  imageIds: string[];
}

export async function send(msg: Outgoing): Promise<boolean> {
  const parts: MessagePart[] = [
    ...(msg.text !== '' ? [{ type: 'text' as const, text: msg.text }] : []),
    ...msg.imageIds.map((imageId) => ({ type: 'image' as const, imageId })),
  ];
  const row = await chat.send(msg.sessionId, msg.text, parts);
  if (!row) view.notify(providerErrorText(chat.lastError), 'error');
  return row !== undefined;
}

/** Stops the reply being received in the session, in this tab or another. */
export function stop(sessionId: string): void {
  chat.stop(sessionId);
}
