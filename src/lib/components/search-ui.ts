// The search's own components, loaded together with the first search (not with the app).
export { default as MessageHits } from './MessageHits.svelte';
export { default as SearchChips } from './SearchChips.svelte';
