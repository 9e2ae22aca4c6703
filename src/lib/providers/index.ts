// The provider layer's public face: types, errors and the lazy registry. Adapters themselves are
// reached only through loadProvider so that they stay out of the first load.
export * from './types';
export { ProviderError, isProviderError, type ProviderErrorCode } from './errors';
export {
  PROVIDERS,
  PROVIDER_KINDS,
  isProviderKind,
  loadProvider,
  needsNetwork,
  type ProviderInfo,
} from './registry';
