// A DBCore middleware that refuses every write. Used when the stored database is newer than this
// code: we may read what we understand, but must not write rows shaped for a schema we don't know.
import type { DBCore, Middleware } from 'dexie';
import { TernError } from '../errors';

export const readOnlyMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'tern-read-only',
  create(down) {
    return {
      ...down,
      table(name) {
        const table = down.table(name);
        return {
          ...table,
          mutate: () =>
            Promise.reject(
              new TernError(
                'read-only',
                'This data was written by a newer version of Tern. Reload to update before changing anything.',
              ),
            ),
        };
      },
    };
  },
};
