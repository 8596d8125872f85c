// Types of sdk-bundle.mjs, for the TypeScript tests.
import type { Metafile } from 'esbuild';

export interface SdkEntry {
  readonly name: string;
  readonly source: string;
  readonly platform: 'browser' | 'node';
}

export interface EntryBundle {
  readonly errors: string[];
  readonly warnings: string[];
  readonly metafile: Metafile | undefined;
  readonly code: string;
}

export declare const repoRoot: string;
export declare const sdkDir: string;
export declare const sdkManifest: {
  name: string;
  exports: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
};
export declare const NODE_ONLY_ENTRIES: ReadonlySet<string>;
export declare const OPT_IN_ENTRIES: ReadonlyMap<string, string>;
export declare function sdkEntryPoints(): SdkEntry[];
export declare function bundleEntry(entry: SdkEntry, options?: { minify?: boolean }): Promise<EntryBundle>;
export declare function packageOf(path: string): string | undefined;
export declare function impurities(entry: SdkEntry, metafile: Metafile): string[];
