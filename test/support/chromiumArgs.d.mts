/** The flags every test browser runs Debian's Chromium with. */
export declare const CHROMIUM_ARGS: readonly string[];
