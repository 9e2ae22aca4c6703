// Snippets of search hits are cut and marked by pure code in the domain layer; the UI reaches it
// through here and renders the pieces as text nodes and <mark> elements, never as HTML.
export { snippetPieces, type SnippetPiece } from '../domain/text-match';
