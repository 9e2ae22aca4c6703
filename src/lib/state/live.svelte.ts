// liveQuery bridged to runes. Each call makes one subscription that lives while something reads
// `.current` inside an effect; every tab's writes reach it through Dexie's change broadcast.
import { watch } from './watch';
import { createSubscriber } from 'svelte/reactivity';

export interface Live<T> {
  readonly current: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
}

export function live<T>(query: () => Promise<T> | T): Live<T> {
  let value = $state<T | undefined>(undefined);
  let error = $state<unknown>(undefined);
  let loading = $state(true);
  const subscribe = createSubscriber(() => {
    const sub = watch(query).subscribe({
      next: (v) => {
        value = v;
        error = undefined;
        loading = false;
      },
      error: (e: unknown) => {
        error = e;
        loading = false;
      },
    });
    return () => sub.unsubscribe();
  });
  return {
    get current() {
      subscribe();
      return value;
    },
    get error() {
      subscribe();
      return error;
    },
    get loading() {
      subscribe();
      return loading;
    },
  };
}
