// What a compaction sets aside, and the words that stand in for it when no model can summarise:
// pure functions over message rows, used by the chat engine's compaction (chat/compact.ts).
//
// The latest messages stay as they are (about the last ten exchanges). The kept part starts at a
// message of the user's, so it never begins in the middle of an exchange: a tool call stays with
// its results, a reply with its question. Preserved messages stay where they are, and so does the
// whole exchange step they belong to (a tool call and its results go together or not at all).
// Nothing waiting in the outbox or still arriving is ever set aside.
import type { MessageRow } from '../db/rows';
import { isSummary } from './compaction';

/** Messages kept as they are by a compaction: about ten exchanges. */
export const KEEP_MESSAGES = 20;

/** The rows a compaction keeping about the last `keep` messages would set aside, in order. */
export function planCompaction(rows: readonly MessageRow[], keep = KEEP_MESSAGES): MessageRow[] {
  const sorted = [...rows].sort((a, b) => a.seq - b.seq);
  let end = Math.max(0, sorted.length - Math.max(1, keep));
  const open = sorted.findIndex((m) => m.status === 'pending' || m.status === 'streaming');
  if (open >= 0) end = Math.min(end, open);
  while (end > 0 && sorted[end]?.role !== 'user') end--;
  // A step is a message with the tool results that follow it.
  const steps: MessageRow[][] = [];
  for (const m of sorted.slice(0, end)) {
    const last = steps[steps.length - 1];
    if (m.role === 'tool' && last) last.push(m);
    else steps.push([m]);
  }
  const out = steps.filter((step) => !step.some((m) => m.preserved)).flat();
  // Only an earlier summary to set aside is nothing worth doing.
  return out.some((m) => !isSummary(m)) ? out : [];
}

/** The opening words of a message, to recognise it by. */
export function firstWords(text: string, words = 8, chars = 60): string {
  const all = text.replace(/\s+/g, ' ').trim().split(' ');
  let out = all.slice(0, words).join(' ');
  if (out.length > chars) out = out.slice(0, chars).trimEnd();
  return out.length < all.join(' ').length ? `${out}…` : out;
}

const MAX_LISTED = 40;

/** The summary written without a model: how many messages went, and what the user asked. */
export function listSummary(rows: readonly MessageRow[]): string {
  const n = rows.length;
  const lines = [
    `${n} earlier ${n === 1 ? 'message was' : 'messages were'} set aside to fit the model's context window.`,
  ];
  const earlier = rows.filter(isSummary).map((r) => r.content.trim());
  if (earlier.length > 0) lines.push('', 'Before them:', '', ...earlier);
  const asked = rows
    .filter((r) => r.role === 'user')
    .map((r) => firstWords(r.content) || '(images only)');
  if (asked.length > 0) {
    lines.push('', 'What the user wrote in them, in order:');
    for (const a of asked.slice(0, MAX_LISTED)) lines.push(`- ${a}`);
    if (asked.length > MAX_LISTED) lines.push(`- … and ${asked.length - MAX_LISTED} more`);
  }
  return lines.join('\n');
}

function speaker(row: MessageRow): string {
  if (isSummary(row)) return 'Summary of earlier messages';
  if (row.role === 'tool') return `Tool result${row.name ? ` (${row.name})` : ''}`;
  return row.role === 'user' ? 'User' : row.role === 'assistant' ? 'Assistant' : 'System';
}

function rowText(row: MessageRow): string {
  const calls = row.parts.flatMap((p) =>
    p.type === 'tool-call' ? [`[called ${p.name}(${p.arguments})]`] : [],
  );
  const images = row.parts.filter((p) => p.type === 'image').length;
  return [
    row.content,
    ...calls,
    ...(images > 0 ? [`[${images} ${images === 1 ? 'image' : 'images'}]`] : []),
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * The messages as one text for a model to summarise, at most about `budget` characters: each
 * message is clipped to its share, and when that is not enough the middle gives way.
 */
export function transcript(rows: readonly MessageRow[], budget: number): string {
  const entries = rows
    .filter((r) => !(r.role === 'assistant' && r.status === 'error' && r.content === ''))
    .map((r) => ({ who: speaker(r), text: rowText(r) }))
    .filter((e) => e.text !== '');
  const share = Math.min(2000, Math.max(200, Math.floor(budget / Math.max(1, entries.length))));
  const text = entries
    .map((e) => `${e.who}: ${e.text.length > share ? `${e.text.slice(0, share)} […]` : e.text}`)
    .join('\n\n');
  if (text.length <= budget) return text;
  const half = Math.floor(budget / 2);
  return `${text.slice(0, half)}\n\n[… the middle of the conversation is left out …]\n\n${text.slice(-half)}`;
}
