// Small wording helpers shared by components.
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

// One formatter for every date shown: toLocaleString with options builds a new one on each call,
// which cost most of drawing a list of search hits.
let whenFormat: Intl.DateTimeFormat | undefined;

export function when(t: number): string {
  whenFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return whenFormat.format(t);
}

const ROLE = { user: 'You', assistant: 'Assistant', system: 'System', tool: 'Tool' } as const;

/** Who wrote a message, as the conversation labels it. */
export function roleLabel(role: keyof typeof ROLE, toolName?: string | null): string {
  return role === 'tool' && toolName ? `Tool ${toolName}` : ROLE[role];
}

/** Arguments as the model sent them, indented when they are JSON; as they came otherwise. */
export function prettyJson(text: string): string {
  if (text.trim() === '') return '{}';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
