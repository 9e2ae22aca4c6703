// Under `require-trusted-types-for 'script'` (scripts/csp.mjs) every script URL handed to the
// browser must be a TrustedScriptURL. Vite's worker URLs, workbox-window's service worker
// registration and engines' blob: workers pass plain strings; this default policy turns exactly
// the URLs of this origin (blob: URLs made by this page included) into trusted ones and refuses
// the rest. It has no HTML or script rule, so a string written to innerHTML or a script's text is
// still refused: Markdown goes through DOMPurify's policy and Svelte's templates through its own.
interface PolicyFactory {
  defaultPolicy: unknown;
  createPolicy(name: string, rules: { createScriptURL(url: string): string }): unknown;
}

const factory = (globalThis as { trustedTypes?: PolicyFactory }).trustedTypes;
if (factory && !factory.defaultPolicy)
  factory.createPolicy('default', {
    createScriptURL(url) {
      if (new URL(url, location.href).origin === location.origin) return url;
      throw new TypeError(`Not this app's script: ${url}`);
    },
  });
