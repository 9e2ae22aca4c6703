// What the parts of the chat engine share: its dependencies, the replies and tool calls running in
// this tab, the work idle() waits for, and the small checks every action makes.
import type { TernDB } from '../../db/database';
import type { JsonObject, MessageRow } from '../../db/rows';
import type { Provider, ProviderConfig, ProviderKind } from '../../providers/types';
import { TernError } from '../../errors';
import { getMessage } from '../messages';
import { getSettings } from '../settings';
import type { ToolSource } from './tools';

export type ChatEvent =
  | { type: 'streaming'; sessionId: string; replyId: string }
  | { type: 'idle'; sessionId: string }
  | { type: 'approval'; sessionId: string };

export interface ChatEngineDeps {
  db: TernDB;
  /** The provider set up under this id, or the default one when id is null. */
  providerConfig(id: string | null): ProviderConfig | null | Promise<ProviderConfig | null>;
  loadProvider?: (kind: ProviderKind) => Promise<Provider>;
  fetch?: typeof fetch;
  isOnline?: () => boolean;
  /** navigator.locks where present; null to go without. */
  locks?: LockManager | null;
  writeIntervalMs?: number;
  stallMs?: number;
  onEvent?: (event: ChatEvent) => void;
  /** Called after each database write of a streaming reply (to count them). */
  onWrite?: () => void;
  /** Tools from the session's MCP servers, beside the built-ins. */
  toolSource?: ToolSource;
  /** Whether the model writes a new session's title (the app setting); absent = never asked. */
  modelTitles?: () => boolean | Promise<boolean>;
}

/** The Web Lock held while a reply (or a tool call) of this message is under way. */
export const STREAM_LOCK = 'tern-stream:';

export class EngineCore {
  /** The reply streaming in each session, by session id. */
  readonly active = new Map<string, AbortController>();
  readonly compacting = new Set<string>();
  /** Tool calls running in this tab, by call id: cancelling aborts them (and tells the server). */
  readonly toolRuns = new Map<string, AbortController>();
  readonly running = new Set<Promise<void>>();

  constructor(readonly deps: ChatEngineDeps) {}

  get db(): TernDB {
    return this.deps.db;
  }

  online(): boolean {
    return this.deps.isOnline?.() ?? true;
  }

  emit(event: ChatEvent): void {
    this.deps.onEvent?.(event);
  }

  /** Work idle() waits for; its failure is the work's own business (stored on its message). */
  track(work: Promise<void>): void {
    const tracked = work.catch(() => {}).finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  async withStreamLock(messageId: string, fn: () => Promise<void>): Promise<void> {
    const locks = this.deps.locks;
    if (locks) await locks.request(`${STREAM_LOCK}${messageId}`, fn);
    else await fn();
  }

  async replyMetadata(sessionId: string): Promise<JsonObject> {
    const settings = await getSettings(this.db, sessionId);
    return { provider: settings.provider, model: settings.model };
  }

  async mustGet(id: string, role: MessageRow['role']): Promise<MessageRow> {
    const row = await getMessage(this.db, id);
    if (!row || row.role !== role)
      throw new TernError('not-found', 'That message no longer exists.');
    return row;
  }

  assertIdle(sessionId: string): void {
    if (this.active.has(sessionId))
      throw new TernError('conflict', 'A reply is still arriving in this session. Stop it first.');
    if (this.compacting.has(sessionId))
      throw new TernError('conflict', 'This session is being compacted. Wait a moment.');
  }
}
