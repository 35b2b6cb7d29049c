export { loadDirectory, formatDirectoryError, type PrincipalFile, type DirectoryError, type DirectoryLoad } from './directory-loader.ts';
export { createDirectory, hashApiKey, readsAll, type Directory, type DirectorySnapshot, type Principal, type ApiKeyRef, type SigningKeyRef, type GroupMapping } from './directory.ts';
export { principalListSchema, type PrincipalListDocument, type PrincipalSpec, type SigningKeySpec, type PrincipalKind, type PrincipalRole, type GroupMappingSpec } from './principal-schema.ts';
export { groupMappingRule, idpGovernedGroups, mappedGroups, oidcIdentity, resolveSignIn, type SignInClaims, type SignInOutcome, type SignInRefusal } from './sign-in.ts';
