// The row shapes of version 1, the original release, frozen: old databases and old export files
// hold exactly these, so they never change with today's rows (../rows.ts).

export interface V1WorkspaceRow {
  id: string;
  name: string;
  createdAt: number;
}

export interface V1ChatRow {
  id: string;
  workspaceId: string;
  role: 'user' | 'assistant' | 'system';
  content: string;
  createdAt: number;
}
