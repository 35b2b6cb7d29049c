export { loadDirectory, formatDirectoryError, type PrincipalFile, type DirectoryError, type DirectoryLoad } from './directory-loader.ts';
export { createDirectory, hashApiKey, readsAll, type Directory, type DirectorySnapshot, type Principal, type ApiKeyRef, type SigningKeyRef } from './directory.ts';
export { principalListSchema, type PrincipalListDocument, type PrincipalSpec, type SigningKeySpec, type PrincipalKind, type PrincipalRole } from './principal-schema.ts';
