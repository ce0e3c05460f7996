/**
 * The part of jsdom that sanitize-svg.ts uses. Not @types/jsdom: vitest's optional types import
 * jsdom, so those types would pull the DOM lib into the whole program (and change what `fetch`
 * and `Blob` accept everywhere). These interfaces name only what the sanitizer touches.
 */
declare module 'jsdom' {
  export class JSDOM {
    constructor(html?: string);
    readonly window: JsdomWindow;
  }

  export interface JsdomWindow {
    readonly DOMParser: new () => {
      parseFromString(text: string, type: 'image/svg+xml'): XmlDocument;
    };
    readonly XMLSerializer: new () => { serializeToString(node: XmlNode): string };
  }

  export interface XmlNode {
    readonly nodeType: number;
    readonly textContent: string | null;
    readonly parentNode: XmlNode | null;
    remove(): void;
    replaceWith(node: XmlNode): void;
  }

  export interface XmlElement extends XmlNode {
    readonly localName: string;
    readonly namespaceURI: string | null;
  }

  export interface XmlDocument extends XmlNode {
    readonly documentElement: XmlElement | null;
    createTextNode(data: string): XmlNode;
    createNodeIterator(root: XmlNode, whatToShow: number): { nextNode(): XmlNode | null };
  }
}
