/** Sent in the User-Agent header; kept equal to package.json's version by version.spec.ts. */
export const SDK_VERSION = '0.1.0';
