// The one place the composer hands a message over. Today it stores the user's message; when the
// model engine is wired in, `send` calls it instead and everything above stays as it is.
import type { MessagePart } from '../db/rows';
import { appendUserMessage, markInterrupted } from './actions';

export interface Outgoing {
  sessionId: string;
  text: string;
  imageIds: string[];
}

export function send(msg: Outgoing): Promise<boolean> {
  const parts: MessagePart[] = [
    ...(msg.text !== '' ? [{ type: 'text' as const, text: msg.text }] : []),
    ...msg.imageIds.map((imageId) => ({ type: 'image' as const, imageId })),
  ];
  return appendUserMessage(msg.sessionId, msg.text, parts);
}

/** Stops replies in progress; without an engine there is nothing to abort, so they are marked. */
export function stop(streamingIds: string[]): Promise<void> {
  return markInterrupted(streamingIds);
}
