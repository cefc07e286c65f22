/**
 * A small XML well-formedness check for the SVG the library and the examples
 * draw (no XML parser in the dependencies).
 */

/**
 * Checks that `text` is one well-formed XML element tree: every tag closed in
 * order, attributes quoted, every & an entity. Returns the element names in document order.
 */
export function xmlElements(text: string): string[] {
  const names: string[] = [];
  const open: string[] = [];
  const body = text.replace(/^<\?xml[^>]*\?>\s*/, '').replace(/<!--[\s\S]*?-->/g, '');
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
  let end = 0;
  for (let match = tag.exec(body); match !== null; match = tag.exec(body)) {
    const between = body.slice(end, match.index);
    if (between.includes('<')) throw new Error(`malformed markup near: ${between.slice(between.indexOf('<'), between.indexOf('<') + 60)}`);
    const bare = /&(?!(?:amp|lt|gt|quot|apos|#\d+);)/.exec(between + match[3]);
    if (bare) throw new Error(`an unescaped & near: ${(between + match[3]).slice(bare.index, bare.index + 30)}`);
    end = tag.lastIndex;
    const [, closing, name, , selfClosing] = match;
    if (closing) {
      if (open.pop() !== name) throw new Error(`</${name}> closes the wrong element`);
    } else {
      names.push(name!);
      if (!selfClosing) open.push(name!);
    }
  }
  if (open.length > 0) throw new Error(`unclosed elements: ${open.join(', ')}`);
  if (body.slice(end).trim() !== '') throw new Error('text after the root element');
  return names;
}
