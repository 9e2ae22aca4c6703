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

export function sessionMarkdown(c: Conversation): string {
  const out = [`# ${c.session.title}`, ''];
  if (c.session.model) out.push(`Model: ${c.session.model}`, '');
  for (const m of c.messages) {
    const heading = m.role === 'tool' && m.name ? `${LABEL.tool} (${m.name})` : LABEL[m.role];
    const body = m.parts.length > 0 ? m.parts.map(part).join('\n\n') : m.content;
    out.push(`## ${heading}`, '', body, '');
  }
  return out.join('\n');
}
