// The slash commands. What each does lives with the component that runs them; this is the list
// the menu ranks and filters.
export interface Command {
  id: string;
  title: string;
  description: string;
  keywords?: readonly string[];
}

export const COMMANDS: readonly Command[] = [
  { id: 'new', title: 'New session', description: 'Start a new session', keywords: ['chat'] },
  { id: 'rename', title: 'Rename', description: 'Rename this session', keywords: ['title'] },
  { id: 'model', title: 'Model', description: 'Choose the provider and model for this session' },
  {
    id: 'system',
    title: 'System prompt',
    description: 'Set the instructions for this session',
    keywords: ['prompt', 'instructions'],
  },
  {
    id: 'compact',
    title: 'Compact',
    description: 'Set older messages aside behind a summary',
    keywords: ['summary', 'context', 'shorten'],
  },
  { id: 'images', title: 'Images', description: 'Open the image gallery', keywords: ['gallery'] },
  {
    id: 'export',
    title: 'Export',
    description: 'Export or import your data',
    keywords: ['backup'],
  },
  {
    id: 'trash',
    title: 'Trash',
    description: 'Move this session to the trash',
    keywords: ['delete'],
  },
  {
    id: 'settings',
    title: 'Settings',
    description: 'Open the settings',
    keywords: ['preferences'],
  },
  { id: 'theme', title: 'Theme', description: 'Switch between light and dark', keywords: ['dark'] },
  {
    id: 'storage',
    title: 'Storage',
    description: 'Space used, integrity check, copies kept before updates',
  },
  {
    id: 'search',
    title: 'Search',
    description: 'Search session titles and messages',
    keywords: ['find'],
  },
];
