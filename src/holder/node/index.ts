/**
 * privid/holder/node: Node-only additions to the holder SDK (they use node:crypto and node:fs,
 * so they live outside the browser-safe `privid/holder` entry).
 */
export {
  EncryptedFileSecretStore,
  DEFAULT_SCRYPT,
  type EncryptedFileSecretStoreOptions,
  type ScryptParams,
} from './encrypted-file-secret-store.js';
export {
  EncryptedFileCredentialStore,
  type EncryptedFileCredentialStoreOptions,
} from './encrypted-file-credential-store.js';
