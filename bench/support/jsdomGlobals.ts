// Gives this process a DOM (jsdom), for the React render bench. Import it before react-dom.
// @ts-expect-error jsdom ships no type declarations and @types/jsdom is not a dependency
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body><div id="root"></div></body></html>', { url: 'http://localhost/' });
const g = globalThis as Record<string, unknown>;
for (const key of ['window', 'document', 'navigator', 'HTMLElement', 'Node', 'Event', 'MutationObserver']) {
  if (!(key in g))
    Object.defineProperty(g, key, { value: key === 'window' ? dom.window : dom.window[key], configurable: true });
}
g.IS_REACT_ACT_ENVIRONMENT = false;

export const rootElement = (dom.window.document as Document).getElementById('root')!;
