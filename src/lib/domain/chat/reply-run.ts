// One reply from start to outcome: marked as streaming in this tab (and under a Web Lock, so that
// start-up recovery in another tab leaves it alone), its request built from the session, and the
// provider's stream poured into the stored row. What follows a reply is the engine's.
import type { MessageRow } from '../../db/rows';
import { loadProvider as defaultLoad } from '../../providers/registry';
import { editMessage } from '../messages';
import type { EngineCore } from './engine-core';
import { buildRequest, type Mode } from './request';
import { streamReply, type ReplyOutcome } from './stream-reply';
import type { SessionTool } from './tools';

/** The outcome, or null when no request could be made (the reply then says why). */
export async function runReply(
  core: EngineCore,
  sessionId: string,
  reply: MessageRow,
  mode: Mode,
  sessionTools: (sessionId: string) => Promise<SessionTool[]>,
): Promise<ReplyOutcome | null> {
  const controller = new AbortController();
  core.active.set(sessionId, controller);
  core.emit({ type: 'streaming', sessionId, replyId: reply.id });
  let outcome: ReplyOutcome | null = null;
  try {
    await core.withStreamLock(reply.id, async () => {
      const tools = await sessionTools(sessionId);
      outcome = await streamOne(core, sessionId, reply, mode, tools, controller.signal);
    });
  } finally {
    core.active.delete(sessionId);
    core.emit({ type: 'idle', sessionId });
  }
  return outcome;
}

async function streamOne(
  core: EngineCore,
  sessionId: string,
  reply: MessageRow,
  mode: Mode,
  tools: readonly SessionTool[],
  signal: AbortSignal,
): Promise<ReplyOutcome | null> {
  const { db, deps } = core;
  const built = await buildRequest(
    db,
    (id) => deps.providerConfig(id),
    sessionId,
    reply,
    mode,
    tools.map((t) => t.spec),
  );
  if (!built.ok) {
    await editMessage(db, reply.id, { status: 'error', error: built.error });
    return null;
  }
  const { config, request } = built;
  const provider = await (deps.loadProvider ?? defaultLoad)(config.kind);
  return streamReply({
    db,
    reply,
    provider,
    config,
    request,
    signal,
    ...(mode.kind === 'continue' ? { prefix: mode.prefix } : {}),
    ...(deps.stallMs !== undefined ? { stallMs: deps.stallMs } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.writeIntervalMs !== undefined ? { writeIntervalMs: deps.writeIntervalMs } : {}),
    ...(deps.onWrite ? { onWrite: deps.onWrite } : {}),
  });
}
