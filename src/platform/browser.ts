/**
 * The browser platform: registers no file system, so CSVLogger needs a
 * `writeFile` of your own, and models save and load through URLs
 * ('indexeddb://', 'localstorage://', 'http(s)://', 'downloads://') and
 * `io.browserFiles`; fit trains on one thread. Imported for its effect by
 * src/browser.ts.
 */
export {};
