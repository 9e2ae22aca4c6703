/* eslint-disable @typescript-eslint/ban-ts-comment -- see the next line */
// @ts-nocheck -- plain Node, checked by running the benchmarks and the tests that use it.
// Generated export files of any size, written to disk as they are made (never whole in memory):
// a Tern export of `sessions` sessions of `perSession` messages, and a ChatGPT export of the same
// shape. Session i is active at T0 + i minutes, so the most recent is the last one written.
import { createWriteStream } from 'node:fs';
import { messageRow, sessionRow } from './rows.mjs';

export const T0 = 1_700_000_000_000;

const WORDS =
  'the a to of and in that is for it you with on as this be are can have not your more model river garden café naïve 東京 データ'.split(
    ' ',
  );

function writer(path) {
  const file = createWriteStream(path);
  let bytes = 0;
  return {
    write: (s) => {
      bytes += Buffer.byteLength(s);
      return file.write(s) ? undefined : new Promise((r) => file.once('drain', r));
    },
    end: () => new Promise((r) => file.end(r)).then(() => bytes),
  };
}

function texts(seed) {
  let s = seed;
  const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return (n) => Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
}

/** The id and title of session i, in both formats. */
export const sessionId = (i) => `gen-${i}`;
export const sessionTitle = (i) => `Generated chat ${i}`;

/** A Tern export (format 1, schema 2) of generated sessions. */
export async function writeTernExport(path, { sessions, perSession, words = 60 }) {
  const out = writer(path);
  const text = texts(7);
  await out.write(
    '{"appVersion":"bench","commandUsage":[],"exportedAt":1700000000000,"format":"tern-export",' +
      '"formatVersion":1,"images":"omitted","schemaVersion":2,"scope":{"kind":"all"},' +
      '"secrets":"omitted","workspaces":[],"sessions":[',
  );
  for (let i = 0; i < sessions; i++) {
    const id = sessionId(i);
    const at = T0 + i * 60_000;
    const session = { ...sessionRow(id, sessionTitle(i), at, perSession), workspaceId: 'default' };
    const messages = [];
    for (let m = 1; m <= perSession; m++)
      messages.push(messageRow(id, m, text(words), at - perSession + m));
    const entry = {
      session,
      settings: null,
      messages,
      images: [],
      compactionEvents: [],
      messageArchive: [],
    };
    await out.write((i > 0 ? ',' : '') + JSON.stringify(entry));
  }
  await out.write(']}');
  return { bytes: await out.end(), sessions, messages: sessions * perSession };
}

/** A ChatGPT conversations.json of generated conversations, each a single branch. */
export async function writeChatGptExport(path, { sessions, perSession, words = 60 }) {
  const out = writer(path);
  const text = texts(3);
  await out.write('[');
  for (let i = 0; i < sessions; i++) {
    const id = sessionId(i);
    const t = (T0 + i * 60_000) / 1000;
    const mapping = { root: { id: 'root', parent: null, children: [`${id}-0`], message: null } };
    let parent = 'root';
    for (let m = 0; m < perSession; m++) {
      const mid = `${id}-${m}`;
      mapping[mid] = {
        id: mid,
        parent,
        children: m < perSession - 1 ? [`${id}-${m + 1}`] : [],
        message: {
          id: mid,
          author: { role: m % 2 ? 'assistant' : 'user', name: null, metadata: {} },
          create_time: t - perSession + m,
          content: { content_type: 'text', parts: [text(words)] },
          status: 'finished_successfully',
          metadata: m % 2 ? { model_slug: 'gpt-4o' } : {},
        },
      };
      parent = mid;
    }
    const c = {
      title: sessionTitle(i),
      create_time: t - perSession,
      update_time: t,
      conversation_id: id,
      current_node: parent,
      default_model_slug: 'gpt-4o',
      mapping,
    };
    await out.write((i > 0 ? ',' : '') + JSON.stringify(c));
  }
  await out.write(']');
  return { bytes: await out.end(), sessions, messages: sessions * perSession };
}
