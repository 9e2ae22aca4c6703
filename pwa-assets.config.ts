// Every icon Tern ships is generated from public/logo.svg by `npm run icons`; the PNGs are committed
// so that a build is deterministic and needs no image tooling. Rerun after changing the logo.
import { defineConfig, minimal2023Preset } from '@vite-pwa/assets-generator/config';

// The logo is a teal tile; maskable and Apple icons get the same teal around it (instead of the
// preset's white), so launchers that crop or round the icon show no white ring.
const TEAL = '#0f766e';

export default defineConfig({
  headLinkOptions: { preset: '2023' },
  preset: {
    ...minimal2023Preset,
    maskable: { sizes: [512], padding: 0.3, resizeOptions: { background: TEAL } },
    apple: { sizes: [180], padding: 0.3, resizeOptions: { background: TEAL } },
  },
  images: ['public/logo.svg'],
});
