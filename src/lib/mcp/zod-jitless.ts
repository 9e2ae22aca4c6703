// The SDK checks messages with zod, which probes once whether `new Function` works, as its schemas
// are built; Tern's CSP refuses that probe and reports it as a violation. Without JIT zod never
// tries. Imported before the SDK, so this runs before any of its schemas exist.
import { config } from 'zod/v4/core';

config({ jitless: true });
