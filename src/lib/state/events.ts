// What happens to the app that more than one part of it must hear of, as typed events. Each
// listener is added with on(), which returns its removal; emit() calls every listener and settles
// once each has finished (a failing listener does not keep the others from running).

export interface TernEvents {
  /**
   * This tab is about to lose its data: another tab upgraded or deleted the database, or a new
   * version is about to reload the page. What the user has not yet saved (drafts) is saved now.
   */
  flush: void;
}

type Listener<T> = (payload: T) => void | Promise<void>;

export interface EventHub<E> {
  on<K extends keyof E>(name: K, fn: Listener<E[K]>): () => void;
  emit<K extends keyof E>(name: K, ...payload: E[K] extends void ? [] : [E[K]]): Promise<void>;
}

export function createEventHub<E>(): EventHub<E> {
  const listeners = new Map<keyof E, Set<Listener<never>>>();
  return {
    on(name, fn) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      const entry = fn as Listener<never>;
      set.add(entry);
      return () => void set.delete(entry);
    },
    async emit(name, ...payload) {
      const running = [...(listeners.get(name) ?? [])].map(async (fn) =>
        (fn as Listener<unknown>)(payload[0]),
      );
      await Promise.allSettled(running);
    },
  };
}

export const events = createEventHub<TernEvents>();
