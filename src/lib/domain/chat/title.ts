// A session title proposed from the first exchange, without another model call: the opening words
// of the user's first message, so it works offline and costs nothing.

const MAX_WORDS = 8;
const MAX_CHARS = 60;

export function proposeTitle(firstUserText: string): string | null {
  const line = firstUserText
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/[#>*_`]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (line === '') return null;
  const words = line.split(' ').slice(0, MAX_WORDS).join(' ');
  const cut = words.length > MAX_CHARS ? `${words.slice(0, MAX_CHARS - 1).trimEnd()}…` : words;
  return cut.replace(/[.,;:!?]+$/, '') || null;
}
