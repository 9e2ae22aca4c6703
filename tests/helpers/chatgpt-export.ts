// Generated ChatGPT exports for the import tests: branching conversations with non-Latin text,
// hidden nodes, tool calls, images pointing into the zip, and conversations without ids.
export interface GeneratedExport {
  /** The conversations.json list, one conversation per element. */
  conversations: unknown[];
  /** Image files a zip of this export carries, by path. */
  assets: Record<string, Uint8Array>;
}

const WORDS = ['привет', 'world', '猫', 'تجربة', 'token', 'emoji 🐦', 'the', 'model', '"quoted"'];

function node(id: string, parent: string | null, children: string[], message: unknown) {
  return { id, parent, children, message };
}

function message(id: string, role: string, t: number, content: unknown, extra: object = {}) {
  return { id, author: { role, name: null, metadata: {} }, create_time: t, content, ...extra };
}

export function generateChatGpt(count: number, messagesPer: number, seed = 1): GeneratedExport {
  let s = seed;
  const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const text = (n: number) =>
    Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
  const conversations: unknown[] = [];
  const assets: Record<string, Uint8Array> = {};
  for (let c = 0; c < count; c++) {
    const id = `gen-${seed}-${c}`;
    const t0 = 1_700_000_000 + c * 100;
    const mapping: Record<string, unknown> = { root: node('root', null, ['m0'], null) };
    let parent = 'root';
    for (let m = 0; m < messagesPer; m++) {
      const mid = `${id}-m${m}`;
      const role = m % 2 === 0 ? 'user' : 'assistant';
      let content: unknown = { content_type: 'text', parts: [text(5 + Math.floor(rand() * 30))] };
      if (m === 0 && c % 7 === 0) {
        const file = `file-${id}-img`;
        assets[`${file}-photo.png`] = Uint8Array.from({ length: 64 }, (_, i) => (i * 7 + c) & 255);
        content = {
          content_type: 'multimodal_text',
          parts: [
            { content_type: 'image_asset_pointer', asset_pointer: `file-service://${file}` },
            text(4),
          ],
        };
      }
      const extra = m === 1 && c % 5 === 0 ? { weight: 0 } : {};
      const next = m + 1 < messagesPer ? [`${id}-m${m + 1}`] : [];
      // An abandoned branch beside every third message: the import follows current_node instead.
      if (m % 3 === 2) {
        mapping[`${mid}-alt`] = node(
          `${mid}-alt`,
          parent,
          [],
          message(`${mid}-alt`, role, t0 + m, { content_type: 'text', parts: ['abandoned'] }),
        );
      }
      mapping[mid] = node(mid, parent, next, message(mid, role, t0 + m, content, extra));
      parent = mid;
    }
    const conv: Record<string, unknown> = {
      title: `${text(3)} ${c}`,
      create_time: t0,
      update_time: t0 + messagesPer,
      current_node: parent,
      default_model_slug: 'gpt-4o',
      mapping,
    };
    // Some old exports carry no id: Tern derives a stable one from the place in the file.
    if (c % 11 !== 3) conv.conversation_id = id;
    conversations.push(c % 97 === 50 ? { title: 'broken', mapping: 'not a mapping' } : conv);
  }
  return { conversations, assets };
}
