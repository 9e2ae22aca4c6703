// A session as Markdown, for reading and sharing (not for importing back: that is the JSON
// export's job). Thinking and tool traffic are shown as quoted, labelled blocks.
import type { MessagePart, Role } from '../db/rows';
import type { Conversation } from './types';

const LABEL: Record<Role, string> = {
  user: 'You',
  assistant: 'Assistant',
  system: 'System',
  tool: 'Tool',
};

function part(p: MessagePart): string {
  switch (p.type) {
    case 'text':
      return p.text;
    case 'thinking':
      return p.text
        .split('\n')
        .map((l) => `> ${l}`)
        .join('\n')
        .replace(/^/, '> **Thinking**\n>\n');
    case 'image':
      return `*[image${p.alt ? `: ${p.alt}` : ''}]*`;
    case 'tool-call':
      return `**Tool call: ${p.name}**\n\n\`\`\`json\n${p.arguments}\n\`\`\``;
    case 'tool-result':
      return `**Tool result${p.name ? `: ${p.name}` : ''}**\n\n\`\`\`\n${p.result}\n\`\`\``;
  }
}

/**
 * How many versions of the conversation there are besides the one on screen: one per message no
 * other follows, the active path's last message aside when it ends one.
 */
export function otherVersions(c: Conversation): number {
  const branches = c.branchMessages ?? [];
  if (branches.length === 0) return 0;
  const followed = new Set<string>(branches.map((b) => b.parentId));
  for (const m of c.messages.slice(0, -1)) followed.add(m.id);
  const ends = [...c.messages.slice(-1), ...branches].filter((m) => !followed.has(m.id)).length;
  const last = c.messages[c.messages.length - 1];
  return last && !followed.has(last.id) ? ends - 1 : ends;
}

export function sessionMarkdown(c: Conversation): string {
  const out = [`# ${c.session.title}`, ''];
  if (c.session.model) out.push(`Model: ${c.session.model}`, '');
  const others = otherVersions(c);
  if (others > 0)
    out.push(
      `*This conversation has ${others} other version${others === 1 ? '' : 's'}; only the one on screen is written here.*`,
      '',
    );
  for (const m of c.messages) {
    const heading = m.role === 'tool' && m.name ? `${LABEL.tool} (${m.name})` : LABEL[m.role];
    const body = m.parts.length > 0 ? m.parts.map(part).join('\n\n') : m.content;
    out.push(`## ${heading}`, '', body, '');
  }
  return out.join('\n');
}
