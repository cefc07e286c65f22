/** What the test page gets (bundled by esbuild for the browser): the browser build and the shared fixture. */
import * as keras from '../../src/browser.js';
import * as fixture from './fixture.js';

Object.assign(globalThis, { keras, fixture });
