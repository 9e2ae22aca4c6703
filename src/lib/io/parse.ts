// From bytes to conversations: decides what a file is (Tern's own, ChatGPT, Claude, BetterChatGPT, NextChat, chatbot-ui),
// opens zips, joins ChatGPT's sharded `conversations-NNN.json` files, and turns every file-level
// problem into one typed error the UI can put in words.
import { unzipSync } from 'fflate';
import { InputError, isObj } from './clean';
import { isChatGptConversation, readChatGpt } from './importers/chatgpt';
import { isClaudeConversation, readClaude } from './importers/claude';
import {
  isBetterChatGpt,
  isChatbotUi,
  isNextChat,
  readBetterChatGpt,
  readChatbotUi,
  readNextChat,
  webAppShapeProblem,
} from './importers/betterchatgpt-nextchat-chatbot-ui';
import { isTernFile, readTernFile } from './tern/read';
import type { ForeignOptions, ImportErrorCode, ParsedFile } from './types';

export interface ParseOptions extends ForeignOptions {
  currentSchema: number;
}

export interface InputFile {
  name: string;
  bytes: Uint8Array;
}

export function parseJsonText(text: string): unknown {
  if (text.trim() === '') throw new InputError('not-json', 'The file is empty.');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const msg = e instanceof Error ? e.message : '';
    // A parser that stopped where the text ends was cut short, whatever it expected there.
    const at = /at position (\d+)/.exec(msg);
    const atEnd = at !== null && Number(at[1]) >= text.trimEnd().length;
    if (
      (atEnd || /end of (JSON|data)|Unterminated|Expected .* after/i.test(msg)) &&
      /^\s*[[{]/.test(text)
    )
      throw new InputError('truncated', 'The file ends in the middle: it was cut short.');
    throw new InputError('not-json', 'The file is not JSON.');
  }
}

const firstObject = (v: unknown): unknown => (Array.isArray(v) ? v.find(isObj) : undefined);

/** Reads an already parsed document as whichever format it is. */
export function readDocument(v: unknown, o: ParseOptions): ParsedFile {
  const none = { workspaces: [], commandUsage: [] };
  if (isTernFile(v)) return readTernFile(v, o.currentSchema);
  if (Array.isArray(v)) {
    const first = firstObject(v);
    if (isChatGptConversation(first))
      return { ...none, source: 'chatgpt', items: readChatGpt(v, o) };
    if (isClaudeConversation(first)) return { ...none, source: 'claude', items: readClaude(v, o) };
  }
  const problem = webAppShapeProblem(v);
  if (problem !== null) throw new InputError('unknown-format', problem);
  if (isNextChat(v)) return { ...none, source: 'nextchat', items: readNextChat(v, o) };
  if (isBetterChatGpt(v))
    return { ...none, source: 'betterchatgpt', items: readBetterChatGpt(v, o) };
  if (isChatbotUi(v)) return { ...none, source: 'chatbot-ui', items: readChatbotUi(v, o) };
  if (Array.isArray(v) && v.length === 0)
    throw new InputError('unknown-format', 'The file holds no conversations.');
  throw new InputError(
    'unknown-format',
    'Tern does not recognise this file. It reads its own exports and those of ChatGPT, Claude, BetterChatGPT, NextChat and chatbot-ui.',
  );
}

const decoder = new TextDecoder();
const SHARD = /(^|\/)conversations(-\d+)?\.json$/;

function isZip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function unzip(bytes: Uint8Array): Map<string, Uint8Array> {
  try {
    return new Map(Object.entries(unzipSync(bytes)));
  } catch {
    throw new InputError('truncated', 'The zip file is damaged or cut short.');
  }
}

/**
 * Which of the chosen files (and zip entries) hold the conversations: the shards of a ChatGPT
 * export in name order, or else the one JSON file.
 */
export function documentNames(names: readonly string[], fileCount: number): string[] {
  const shards = names.filter((k) => SHARD.test(k)).sort();
  if (shards.length > 0) return shards;
  const json = names.filter((k) => k.toLowerCase().endsWith('.json') || fileCount === 1);
  if (json.length !== 1 || json[0] === undefined)
    throw new InputError('unknown-format', 'Choose one export file, or the shards of one export.');
  return [json[0]];
}

export const notLists = (): InputError =>
  new InputError('unknown-format', 'The shards are not lists of conversations.');

/**
 * One or more chosen files: a JSON export, the shards of a ChatGPT export, or a zip as ChatGPT and
 * Claude deliver it. Shards are read in name order and their conversations joined.
 */
export function readFiles(files: readonly InputFile[], o: ParseOptions): ParsedFile {
  if (files.length === 0) throw new InputError('unknown-format', 'No file was chosen.');
  const entries = new Map<string, Uint8Array>();
  for (const f of files) {
    if (isZip(f.bytes)) for (const [k, v] of unzip(f.bytes)) entries.set(k, v);
    else entries.set(f.name, f.bytes);
  }
  const shards = documentNames([...entries.keys()], files.length);
  const docs = shards.map((k) => parseJsonText(decoder.decode(entries.get(k))));
  const withFiles: ParseOptions = { ...o, files: entries };
  if (docs.length === 1) return readDocument(docs[0], withFiles);
  if (!docs.every(Array.isArray)) throw notLists();
  const joined = docs.flat();
  return readDocument(joined, withFiles);
}

/** A file-level failure as the report puts it; anything else is a fault in Tern and is thrown. */
export function fileErrorOf(e: unknown): { code: ImportErrorCode; reason: string } {
  if (e instanceof InputError) return { code: e.code, reason: e.message };
  if (e instanceof RangeError)
    return { code: 'too-deep', reason: 'The file is nested too deeply to read.' };
  throw e;
}
