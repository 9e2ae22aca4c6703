// Tern's own files without holding them. An export with its images can run to hundreds of
// megabytes, and reading it whole would hold the bytes, the text and every parsed row at once.
// Tern writes the envelope, the workspaces and the command usage first and the sessions last, so
// the head is known before the first session and each session can be read, checked and handed
// over on its own. A file laid out otherwise (written by hand, or by version 1, whose chats are
// one flat list) is left to the whole-file reader, which gives the exact same result for it.
import { JSONParser } from '@streamparser/json';
import { InputError, isObj, type Obj } from '../clean';
import type { ParsedItem } from '../types';
import { FORMAT_NAME } from './envelope';
import { readTernEntry, readTernHead, type TernHead } from './read';

/** The file is not one this reader takes; read it whole instead. */
export class NotStreamable extends Error {}

export interface TernChunks {
  chunks(): AsyncGenerator<{ data: Uint8Array[]; read: number }>;
}

export interface TernStreamSink {
  head(head: TernHead): Promise<void>;
  items(items: ParsedItem[], read: number): Promise<void>;
}

/** How far into a file `format` must have appeared for it to be taken as Tern's. */
const FORMAT_WITHIN = 64 * 1024;
const HEAD_KEYS = ['format', 'formatVersion', 'schemaVersion', 'workspaces', 'commandUsage'];

/**
 * Reads a Tern export of schema version 2 or later a slice at a time, handing over the head, then
 * the sessions in file order. Throws NotStreamable before handing anything over when the file is
 * not laid out as Tern writes it; throws InputError when the file itself is unusable (a newer
 * version, not JSON, cut short), after handing over the sessions before the damage, each whole.
 */
export async function streamTernFile(
  doc: TernChunks,
  currentSchema: number,
  sink: TernStreamSink,
  signal?: AbortSignal,
): Promise<void> {
  const parser = new JSONParser({
    // `app` (the app settings) is read when present; files before it had none.
    paths: [...HEAD_KEYS.map((k) => `$.${k}`), '$.app', '$.sessions.*'],
    keepStack: false,
  });
  const head: Obj = {};
  const seen = new Set<string>();
  let started = false;
  let entries: unknown[] = [];
  let failure: Error | null = null;
  // Set from the parser's callback (where a throw would become a parse error), acted on after.
  let other = false;

  parser.onValue = ({ value, key, stack }) => {
    if (other) return;
    if (stack.length === 1 && typeof key === 'string') {
      if (started) return; // a head field after the sessions: whole-file reading alone decides
      seen.add(key);
      head[key] = value;
      if (key === 'format' && value !== FORMAT_NAME) other = true;
      if (key === 'schemaVersion' && value === 1) other = true;
      return;
    }
    // `sessions` as an object rather than a list: the whole-file reader says what is wrong.
    if (typeof key !== 'number') other = true;
    else {
      started = true;
      entries.push(value);
    }
  };
  parser.onError = (e) => (failure = e);

  let headSent = false;
  let read = 0;
  for await (const chunk of doc.chunks()) {
    if (signal?.aborted) return;
    read += chunk.read;
    for (const d of chunk.data) {
      try {
        parser.write(d);
      } catch (e) {
        failure = e instanceof Error ? e : new Error(String(e));
      }
      if (other) throw new NotStreamable();
      if (failure) throw new InputError('not-json', 'The file is not JSON.');
    }
    if (!seen.has('format') && read > FORMAT_WITHIN) throw new NotStreamable();
    if (entries.length === 0) continue;
    if (!headSent) {
      if (!HEAD_KEYS.every((k) => seen.has(k)) || !isObj(head)) throw new NotStreamable();
      await sink.head(readTernHead(head, currentSchema));
      headSent = true;
    }
    const batch = entries;
    entries = [];
    await sink.items(batch.map(readTernEntry), read);
  }
  if (!parser.isEnded) {
    try {
      parser.end();
    } catch {
      // Reported below as a file cut short.
    }
  }
  if (!headSent) throw new NotStreamable(); // no sessions at all: small, read whole
  if (failure || !parser.isEnded)
    throw new InputError('truncated', 'The file ends in the middle: it was cut short.');
}
