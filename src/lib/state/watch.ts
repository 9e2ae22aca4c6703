// The one way state follows a read: Dexie's liveQuery, given an async querier. Dexie carries the
// query's context (which ranges it read) across awaits only when the querier itself is an async
// function; a function that merely returns a promise loses it at the first await nested in a
// repository, and every read after that goes unwatched, so a write to what those reads covered
// never reaches the screen.
import { liveQuery, type Observable } from 'dexie';

export function watch<T>(query: () => Promise<T> | T): Observable<T> {
  return liveQuery(async () => await query());
}
