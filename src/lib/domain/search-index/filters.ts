// What a search can be narrowed to. Shared by the query and the URL hash that keeps it.

export type RoleFilter = 'user' | 'assistant';

export interface SearchFilters {
  /** Only this workspace; null for all. */
  workspaceId: string | null;
  role: RoleFilter | null;
  /** createdAt bounds, epoch ms, inclusive. */
  from: number | null;
  to: number | null;
  includeTrash: boolean;
}

/** Everything outside the trash. */
export const NO_FILTERS: SearchFilters = {
  workspaceId: null,
  role: null,
  from: null,
  to: null,
  includeTrash: false,
};
