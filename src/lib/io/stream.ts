// Big exports without holding them. ChatGPT and Claude exports are one JSON list of
// conversations, often hundreds of megabytes: the file is read in slices (through fflate's
// streaming `Unzip` when it is a zip), fed to a streaming JSON parser that hands over one
// conversation at a time, and each is converted by the same importer as a whole file would be.
// Memory holds a slice and the conversations it completed, whatever the size of the file. Tern's
// own files stream the same way, a session at a time (`tern/stream.ts`). Any other file
// (BetterChatGPT's, NextChat's, chatbot-ui's, anything odd) is read whole, as it always was: those
// are small, and the whole-file reader gives the exact report for broken ones.
import { JSONParser } from '@streamparser/json';
import { InputError, isObj } from './clean';
import {
  assetPath,
  assetPointers,
  isChatGptConversation,
  readChatGptItem,
} from './importers/chatgpt';
import { isClaudeConversation, readClaudeItem } from './importers/claude';
import { documentNames, notLists, readFiles, type ParseOptions } from './parse';
import { NotStreamable, streamTernFile } from './tern/stream';
import type { CommandUsageRow, WorkspaceRow } from '../db/rows';
import type { ParsedItem } from './types';
import { isZipBlob, readZipEntry, streamZipEntry, zipEntries } from './zip-stream';

export type NamedBlob = Blob & { readonly name: string };

export interface StreamHead {
  source: string;
  workspaces: WorkspaceRow[];
  commandUsage: CommandUsageRow[];
  /** App-level settings carried by a Tern export of everything. */
  app?: unknown;
}

/** Where the read conversations go. Each call is awaited: a slow writer slows the reading. */
export interface StreamSink {
  head(head: StreamHead): Promise<void>;
  /** Conversations in file order, with how far through the file (in bytes) the reading is. */
  items(items: ParsedItem[], done: number, total: number): Promise<void>;
}

export interface StreamOptions extends ParseOptions {
  /** Bytes read from the file at a time. */
  sliceSize?: number;
  signal?: AbortSignal;
}

interface Doc {
  size: number;
  chunks(): AsyncGenerator<{ data: Uint8Array[]; read: number }>;
  bytes(): Promise<Uint8Array>;
}

async function* blobChunks(blob: Blob, sliceSize: number) {
  for (let pos = 0; pos < blob.size; pos += sliceSize) {
    const data = new Uint8Array(await blob.slice(pos, pos + sliceSize).arrayBuffer());
    yield { data: [data], read: data.length };
  }
}

/** Every chosen file and zip entry by name, in the order reading them whole would give. */
async function openAll(files: readonly NamedBlob[], sliceSize: number): Promise<Map<string, Doc>> {
  const out = new Map<string, Doc>();
  for (const f of files) {
    if (await isZipBlob(f))
      for (const e of await zipEntries(f))
        out.set(e.name, {
          size: e.compressedSize,
          chunks: () => streamZipEntry(f, e, sliceSize),
          bytes: () => readZipEntry(f, e),
        });
    else
      out.set(f.name, {
        size: f.size,
        chunks: () => blobChunks(f, sliceSize),
        bytes: async () => new Uint8Array(await f.arrayBuffer()),
      });
  }
  return out;
}

/** Thrown when a document turns out not to be a list: it is then read whole. */
class NotAList extends Error {
  /** The document's first byte past a byte-order mark and spaces; null when it is empty. */
  constructor(readonly first: number | null = null) {
    super('not a list');
  }
}

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/** The elements of a top-level JSON list, a slice's worth at a time. */
async function* listElements(doc: Doc, onRead: (n: number) => void): AsyncGenerator<unknown[]> {
  const parser = new JSONParser({ paths: ['$.*'], keepStack: false });
  const out: unknown[] = [];
  let failure: Error | null = null;
  parser.onValue = ({ value }) => void out.push(value);
  parser.onError = (e) => (failure = e);
  let seen = 0; // bytes before the first token, to skip a byte-order mark and spaces
  for await (const { data, read } of doc.chunks()) {
    onRead(read);
    for (let d of data) {
      if (seen >= 0) {
        let i = 0;
        if (seen === 0 && d[0] === 0xef && d[1] === 0xbb && d[2] === 0xbf) i = 3;
        while (i < d.length && isSpace(d[i] ?? 0)) i++;
        seen += i;
        if (i === d.length) continue;
        if (d[i] !== 0x5b) throw new NotAList(d[i] ?? null);
        seen = -1;
        d = d.subarray(i);
      }
      parser.write(d);
      if (failure) throw new InputError('not-json', 'The file is not JSON.');
    }
    yield out.splice(0);
  }
  if (seen >= 0) throw new NotAList();
  if (!parser.isEnded) parser.end();
  if (failure || !parser.isEnded)
    throw new InputError('truncated', 'The file ends in the middle: it was cut short.');
  yield out.splice(0);
}

/** One Tern export, a session at a time; false when it must be read whole instead. */
async function streamTern(doc: Doc, o: StreamOptions, sink: StreamSink): Promise<boolean> {
  try {
    await streamTernFile(
      doc,
      o.currentSchema,
      {
        head: ({ workspaces, commandUsage, app }) =>
          sink.head({ source: 'tern', workspaces, commandUsage, app }),
        items: (items, read) => sink.items(items, Math.min(read, doc.size), doc.size),
      },
      o.signal,
    );
    return true;
  } catch (e) {
    if (e instanceof NotStreamable) return false;
    throw e;
  }
}

/** Reads files whole (the path for everything that is not a big list of conversations). */
async function readWhole(files: readonly NamedBlob[], o: StreamOptions, sink: StreamSink) {
  const inputs = await Promise.all(
    files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
  );
  const total = files.reduce((n, f) => n + f.size, 0);
  const parsed = readFiles(inputs, o);
  const { source, workspaces, commandUsage, app } = parsed;
  await sink.head({ source, workspaces, commandUsage, app });
  const BATCH = 50;
  for (let i = 0; i < parsed.items.length && !o.signal?.aborted; i += BATCH)
    await sink.items(
      parsed.items.slice(i, i + BATCH),
      Math.round((total * Math.min(parsed.items.length, i + BATCH)) / parsed.items.length),
      total,
    );
  if (parsed.items.length === 0) await sink.items([], total, total);
}

/**
 * Reads the chosen files and hands their conversations to `sink` as they come. A file-level
 * problem is thrown as an `InputError`; when it is found partway through a big list (damage in
 * the middle of the file), the conversations before it have been handed over already, each whole.
 */
export async function streamFiles(
  files: readonly NamedBlob[],
  o: StreamOptions,
  sink: StreamSink,
): Promise<void> {
  if (files.length === 0) throw new InputError('unknown-format', 'No file was chosen.');
  const sliceSize = o.sliceSize ?? 1 << 20;
  const entries = await openAll(files, sliceSize);
  const docs = documentNames([...entries.keys()], files.length).map((n) => entries.get(n));
  const total = docs.reduce((n, d) => n + (d?.size ?? 0), 0);

  let format: 'chatgpt' | 'claude' | null = null;
  let index = 0;
  let done = 0;
  const waiting: unknown[] = []; // elements read before the first conversation says the format

  /** The zip entries one ChatGPT conversation points at, read in the order of the whole zip. */
  const assetsOf = async (c: unknown) => {
    const wanted = new Set<string>();
    for (const p of assetPointers(c)) {
      const path = assetPath(p, entries.keys());
      if (path !== null) wanted.add(path);
    }
    const files = new Map<string, Uint8Array>();
    for (const [name, doc] of entries) if (wanted.has(name)) files.set(name, await doc.bytes());
    return files;
  };

  const convert = async (v: unknown, i: number): Promise<ParsedItem> =>
    format === 'chatgpt'
      ? readChatGptItem(v, i, { ...o, files: await assetsOf(v) })
      : readClaudeItem(v, i, o);

  try {
    for (const doc of docs) {
      if (!doc) continue;
      try {
        for await (const values of listElements(doc, (n) => (done += n))) {
          if (o.signal?.aborted) return;
          waiting.push(...values);
          if (format === null) {
            const first = waiting.find(isObj);
            if (first === undefined) continue;
            format = isChatGptConversation(first)
              ? 'chatgpt'
              : isClaudeConversation(first)
                ? 'claude'
                : null;
            if (format === null) throw new NotAList();
            await sink.head({ source: format, workspaces: [], commandUsage: [] });
          }
          const items: ParsedItem[] = [];
          for (const v of waiting.splice(0)) {
            if (o.signal?.aborted) break;
            items.push(await convert(v, index++));
          }
          await sink.items(items, Math.min(done, total), total);
        }
      } catch (e) {
        // A later shard that is not a list, once conversations went out: reading whole would
        // refuse the file, so this does too.
        if (e instanceof NotAList && format !== null) throw notLists();
        throw e;
      }
    }
  } catch (e) {
    if (!(e instanceof NotAList)) throw e;
    // One document that is an object: Tern's own export, read a session at a time when it can be.
    const only = docs.length === 1 ? docs[0] : undefined;
    if (only && format === null && e.first === 0x7b && (await streamTern(only, o, sink))) return;
    return readWhole(files, o, sink);
  }
  if (format === null) return readWhole(files, o, sink);
}
