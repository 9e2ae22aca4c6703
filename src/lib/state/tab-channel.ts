// What one tab asks of another: a reply streams into the tab that asked for it, and a tool call
// runs in the tab that started it, but every tab shows them with Stop and Cancel. The messages are
// checked on arrival: anything else on the channel (an older version's tab) is ignored.

export type TabMessage =
  { type: 'stop'; sessionId: string } | { type: 'cancel-tool'; toolCallId: string };

const CHANNEL = 'tern-chat';

export interface TabChannel {
  post(message: TabMessage): void;
  /** Listens to the other tabs' messages; returns its removal. */
  on(fn: (message: TabMessage) => void): () => void;
  close(): void;
}

export function readTabMessage(data: unknown): TabMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  if (d.type === 'stop' && typeof d.sessionId === 'string')
    return { type: 'stop', sessionId: d.sessionId };
  if (d.type === 'cancel-tool' && typeof d.toolCallId === 'string')
    return { type: 'cancel-tool', toolCallId: d.toolCallId };
  return null;
}

/** The channel to the other tabs of this origin; one that does nothing where there is none. */
export function openTabChannel(): TabChannel {
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL) : null;
  const listeners = new Set<(message: TabMessage) => void>();
  if (channel)
    channel.onmessage = (e: MessageEvent<unknown>) => {
      const message = readTabMessage(e.data);
      if (message) for (const fn of listeners) fn(message);
    };
  return {
    post: (message) => channel?.postMessage(message),
    on(fn) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    close: () => channel?.close(),
  };
}
