// What every importer hands back: conversations in stored shape, or the reason one could not be
// read. One broken conversation never stops the others.
import type { ParsedImport } from '../domain/import';

export type {
  Conversation,
  ConflictPolicy,
  ImportErrorCode,
  ImportItem,
  ImportReport,
  ParsedImport,
  ParsedItem,
} from '../domain/import';

export type SourceFormat =
  'tern' | 'chatgpt' | 'claude' | 'betterchatgpt' | 'nextchat' | 'chatbot-ui';

export interface ParsedFile extends ParsedImport {
  source: SourceFormat;
  /** App-level settings carried by a Tern export of everything. */
  app?: unknown;
}

/** Where conversations from another app go, and how images from a zip are found. */
export interface ForeignOptions {
  workspaceId: string;
  /** The time given to conversations whose app kept none (BetterChatGPT, chatbot-ui). */
  now: number;
  /** Files of a zip by path, for the images a conversation points at. */
  files?: ReadonlyMap<string, Uint8Array>;
}
