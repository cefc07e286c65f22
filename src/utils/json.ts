/**
 * JSON.parse for text that came from a file: nesting depth limited, and a
 * failure message that says where the text stops being JSON without quoting
 * it (V8's own message quotes the first bytes, which may be any file's).
 */
import { FileFormatError } from '../errors.js';

/** Deeper than any model.json (about 8 levels); far below what would exhaust the stack of whoever walks the result. */
export const MAX_JSON_DEPTH = 64;

/**
 * The deepest nesting of `[` and `{` in `text`, ignoring brackets inside
 * strings; stops counting at `limit + 1`. A loop, not a recursion, so it
 * cannot itself overflow the stack.
 */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return deepest;
}

/**
 * The deepest nesting of arrays and objects in a value (a structured clone
 * from browser storage, say); stops at `limit + 1`. A loop over an explicit
 * stack, so a value nested 200,000 deep is measured, not a stack overflow.
 * A value that reaches one object twice (a cycle, or parts shared so that
 * JSON.stringify would write them again and again) counts as deeper than any
 * limit, as does one of more objects than any model holds.
 */
export function valueDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null || ArrayBuffer.isView(node) || node instanceof ArrayBuffer) continue;
    if (depth + 1 > deepest) deepest = depth + 1;
    if (deepest > limit || seen.has(node) || seen.size >= 1_000_000) return limit + 1;
    seen.add(node);
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/**
 * Parses `text` read from `source` (a path, named in errors). Throws a
 * FileFormatError for text that is not JSON (giving the position, not the
 * text) or that nests deeper than `maxDepth`.
 */
export function parseJSONFile(text: string, source: string, what: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (jsonDepth(text, maxDepth) > maxDepth) {
    throw new FileFormatError(source, `${source}: the ${what} nests deeper than ${maxDepth} levels, which no ${what} does. Received: more than ${maxDepth} levels of [ and {`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new FileFormatError(
      source,
      `${source}: not valid JSON, so not a ${what}; the file is truncated, corrupt, or another kind of file. ` +
        `Received: ${text.length} characters, ${position === undefined ? 'ending too early' : `invalid at position ${position}`}`,
    );
  }
}
