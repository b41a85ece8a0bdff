export declare const ESM_REQUIRE_BANNER: string;
export declare function bundleFunction(options: { entry: string; outfile: string; format: 'esm' | 'cjs' }): Promise<void>;
export declare const CJS_IMPORT_META_URL: { define: Record<string, string>; banner: { js: string } };
