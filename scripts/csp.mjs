// Tern's Content-Security-Policy, defined once: the build puts it in index.html as a meta tag (so
// the page the service worker keeps carries it too), and `vite preview` and the end-to-end test
// server send it as a header, which can also say `frame-ancestors`.
//
// Why each source is there:
// - script-src: only the app's own files; 'wasm-unsafe-eval' lets WebAssembly compile (an on-device
//   model engine), and allows no JavaScript eval.
// - style-src 'unsafe-inline': Svelte sets style attributes from its templates and the page shell
//   carries a small style block; styles cannot run script.
// - connect-src: the browser talks straight to the providers and MCP servers the user configures,
//   which can be anywhere (a local server over http, a cloud API over https, ws for a local engine).
// - img-src blob: data:: images are shown from stored Blobs and pasted data URLs; never fetched
//   from another origin.
// - worker-src blob:: engines that start their workers from a blob of their own code.
// - require-trusted-types-for: every HTML and script-URL sink takes only Trusted Types; the policies
//   allowed are DOMPurify's (Markdown and highlighted code), Svelte's (its compiled templates) and
//   Tern's default policy (script URLs of this origin: workers, the service worker). A library that
//   needs a policy of its own is added to `trusted-types` here.
export const CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'blob:', 'data:'],
  'media-src': ["'self'", 'blob:', 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'", 'http:', 'https:', 'ws:', 'wss:'],
  'worker-src': ["'self'", 'blob:'],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'require-trusted-types-for': ["'script'"],
  'trusted-types': ['default', 'dompurify', 'svelte-trusted-html'],
};

/** Directives a meta tag cannot carry (the browser ignores them there, with a console error). */
export const HEADER_ONLY_DIRECTIVES = {
  'frame-ancestors': ["'none'"],
};

const serialise = (d) =>
  Object.entries(d)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ');

/** The policy as the `Content-Security-Policy` response header. */
export const cspHeader = () => serialise({ ...CSP_DIRECTIVES, ...HEADER_ONLY_DIRECTIVES });

/** The policy as the content of `<meta http-equiv="Content-Security-Policy">`. */
export const cspMeta = () => serialise(CSP_DIRECTIVES);
