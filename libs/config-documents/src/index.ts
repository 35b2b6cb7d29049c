export * from './yaml-source.ts';
export * from './schema-errors.ts';
export * from './validated-documents.ts';
export * from './document-schema.ts';
