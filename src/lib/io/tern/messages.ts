// The messages of a session entry in a Tern file: those on screen and those of its other versions,
// each copied out field by field and checked against the shared row shapes.
import {
  BRANCH_MESSAGE_SHAPE,
  cleanMetadata,
  MESSAGE_SHAPE,
  shapeProblem,
  type Shape,
} from '../../db/row-shapes';
import {
  BRANCH_ROOT,
  type BranchMessageRow,
  type MessageRow,
  type SessionRow,
} from '../../db/rows';
import { arr, invalid, isObj, jsonObj, num, obj, optNum, optStr, str, type Obj } from '../clean';
import { part } from './parts';

/**
 * `row` as read, once its described fields hold good values (see db/row-shapes: the repositories
 * check the same); otherwise the file is refused, naming the field and why.
 */
export function checked<T>(row: Obj, whose: string, shape: Shape): T {
  const p = shapeProblem(shape, row);
  if (p) throw invalid(`${whose} ${p.field} ${p.reason}.`);
  return row as T;
}

export function message(v: unknown, sessionId: string): MessageRow {
  const m = obj(v, 'A message');
  const status = m.status ?? 'complete';
  const row = checked<MessageRow>(
    {
      id: str(m.id, 'A message id'),
      sessionId,
      seq: m.seq,
      role: m.role,
      content: str(m.content, 'A message text'),
      parts: arr(m.parts ?? [], 'Message parts').map(part),
      name: optStr(m.name),
      toolCallId: optStr(m.toolCallId),
      tokens: m.tokens ?? null,
      status,
      preserved: m.preserved === true,
      metadata: cleanMetadata(jsonObj(m.metadata)),
      createdAt: num(m.createdAt, 'A message time'),
      updatedAt: optNum(m.updatedAt) ?? num(m.createdAt, 'A message time'),
    },
    "A message's",
    MESSAGE_SHAPE,
  );
  if (status === 'pending' || status === 'streaming') row.openStatus = status;
  if (isObj(m.error))
    row.error = {
      code: str(m.error.code, 'An error code'),
      message: str(m.error.message, 'An error message'),
      ...(typeof m.error.retryAt === 'number' ? { retryAt: m.error.retryAt } : {}),
    };
  else row.error = null;
  return row;
}

/** A message of another version: a message (without its place in a queue), and where it hangs. */
export function branchMessage(v: unknown, sessionId: string): BranchMessageRow {
  const b = obj(v, 'A message of another version');
  const row: Obj = { ...message(b, sessionId), parentId: b.parentId, setAsideAt: b.setAsideAt };
  // A message waiting aside is not in the outbox: it waits again once it is back on screen.
  delete row.openStatus;
  return checked<BranchMessageRow>(row, "A message of another version's", BRANCH_MESSAGE_SHAPE);
}

/**
 * The other versions' messages, once each hangs off a message of the session (on screen or in
 * another version) or the root, and no id is used twice.
 */
export function branchMessages(v: unknown, s: SessionRow, messages: readonly MessageRow[]) {
  const rows = arr(v ?? [], 'Messages of other versions').map((b) => branchMessage(b, s.id));
  const ids = new Set(messages.map((m) => m.id));
  for (const b of rows) {
    if (ids.has(b.id)) throw invalid('Two messages share an id.');
    ids.add(b.id);
  }
  for (const b of rows)
    if (b.parentId !== BRANCH_ROOT && !ids.has(b.parentId))
      throw invalid(`A message of another version follows ${b.parentId}, which is not in it.`);
  // Each must lead back to the conversation: a loop of versions could never be shown.
  const parent = new Map(rows.map((b) => [b.id, b.parentId]));
  const reaches = new Set<string>();
  for (const b of rows) {
    const walk = new Set<string>();
    let at = b.id;
    while (parent.has(at) && !reaches.has(at)) {
      if (walk.has(at)) throw invalid(`A message of another version, ${at}, follows itself.`);
      walk.add(at);
      at = parent.get(at) as string;
    }
    for (const w of walk) reaches.add(w);
  }
  return rows;
}
