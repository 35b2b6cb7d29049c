export * from './yaml-source.ts';
export * from './schema-errors.ts';
