// Frozen row shapes against today's. A version-2 database is read by today's code as it is (the v3
// upgrade moves nothing), and the import writes what the v1 → v2 transform returns into today's
// tables: so every v2 row must still be a valid row of today. These checks are types: they fail in
// `npm run check`, which type-checks the tests; the runtime part proves the same on real output.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  CommandUsageRow,
  CompactionEventRow,
  ImageRow,
  MessageArchiveRow,
  MessageRow,
  MetaRow,
  SessionRow,
  SessionSettingsRow,
  WorkspaceRow,
} from '../../src/lib/db/rows';
import type {
  V2CommandUsageRow,
  V2CompactionEventRow,
  V2ImageRow,
  V2MessageArchiveRow,
  V2MessageRow,
  V2MetaRow,
  V2SessionRow,
  V2SessionSettingsRow,
  V2WorkspaceRow,
} from '../../src/lib/db/schema/v2-rows';
import { v1ToV2, type V2Rows } from '../../src/lib/db/transforms/v1-to-v2';

describe('frozen row shapes', () => {
  it('of version 2 are still rows of today', () => {
    expectTypeOf<V2WorkspaceRow>().toExtend<WorkspaceRow>();
    expectTypeOf<V2SessionRow>().toExtend<SessionRow>();
    expectTypeOf<V2MessageRow>().toExtend<MessageRow>();
    expectTypeOf<V2ImageRow>().toExtend<ImageRow>();
    expectTypeOf<V2SessionSettingsRow>().toExtend<SessionSettingsRow>();
    expectTypeOf<V2CommandUsageRow>().toExtend<CommandUsageRow>();
    expectTypeOf<V2CompactionEventRow>().toExtend<CompactionEventRow>();
    expectTypeOf<V2MessageArchiveRow>().toExtend<MessageArchiveRow>();
    expectTypeOf<V2MetaRow>().toExtend<MetaRow>();
    expectTypeOf<V2Rows>().toExtend<{
      workspaces: WorkspaceRow[];
      sessions: SessionRow[];
      messages: MessageRow[];
    }>();
  });

  it('would catch a reshaped row', () => {
    // A v2 message whose parts had been stored as a plain string is no row of today.
    type Reshaped = Omit<V2MessageRow, 'parts'> & { parts: string };
    expectTypeOf<Reshaped>().not.toExtend<MessageRow>();
  });

  it('are what the transform returns, written where today rows go', () => {
    const out = v1ToV2({
      workspaces: [{ id: 'w', name: 'W', createdAt: 1 }],
      chats: [{ id: 'c', workspaceId: 'w', role: 'user', content: 'hi', createdAt: 2 }],
    });
    const messages: MessageRow[] = out.messages;
    const sessions: SessionRow[] = out.sessions;
    const workspaces: WorkspaceRow[] = out.workspaces;
    expect(messages.map((m) => m.parts)).toEqual([[{ type: 'text', text: 'hi' }]]);
    expect(sessions.map((s) => s.messageCount)).toEqual([1]);
    expect(workspaces.map((w) => w.updatedAt)).toEqual([1]);
  });
});
