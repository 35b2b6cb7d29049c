// Types of tools/build.mjs's exports, for the test support that builds bundles the same way.
import type { BuildOptions } from 'esbuild';

export declare const APPS: readonly string[];
export declare const BUNDLE_OPTIONS: BuildOptions;
