// Lint = type-aware-free TypeScript rules + Nx module boundaries, which keep the architecture:
// domain libs import only contracts; platform libs never import domain or services; apps wire.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.countersign/**', 'deploy/local/.cache/**', 'deploy/local/.run/**', 'tmp/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:domain'] },
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:platform', 'type:testing'] },
            { sourceTag: 'type:shell', onlyDependOnLibsWithTags: ['type:service', 'type:domain', 'type:platform', 'type:contracts'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:shell', 'type:service', 'type:domain', 'type:platform', 'type:contracts', 'type:testing', 'type:example', 'type:sdk', 'type:agents'] },
            // The SDK is published on its own (packages/sdk): it depends on nothing of ours.
            { sourceTag: 'type:sdk', onlyDependOnLibsWithTags: [] },
            // Examples are copied into users' code: they depend on nothing of ours but the published SDK.
            { sourceTag: 'type:example', onlyDependOnLibsWithTags: ['type:sdk'] },
            // Agent integrations (MCP gate and server, runtime adapters) stand on the published SDK only.
            { sourceTag: 'type:agents', onlyDependOnLibsWithTags: ['type:sdk'] },
            // The web console (apps/console) is browser code that talks to the API over HTTP only.
            { sourceTag: 'type:console', onlyDependOnLibsWithTags: [] },
          ],
          banTransitiveDependencies: false,
        },
      ],
    },
  },
  {
    // Domain libs are pure functions on plain data: no IO, no framework, no infrastructure client.
    // Their tests and testing helpers may use node:test and node:assert.
    files: ['libs/{approval,policy,identity,audit}/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/testing/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'fs/*', 'path', 'os', 'crypto', 'child_process', 'net', 'http', 'https', 'events', 'stream', 'worker_threads'], message: 'Domain libs do no IO and use no Node built-ins: take what you need as a parameter.' },
          { group: ['@nestjs/*'], message: 'Domain libs are not Nest code: services wire them.' },
          { group: ['kafkajs', 'mongoose', 'mongodb', 'express', '@opentelemetry/*'], message: 'Domain libs never talk to infrastructure: adapters do.' },
        ],
      }],
    },
  },
  {
    // Test clients read JSON bodies of many shapes; typing each would add nothing the asserts lack.
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
];
