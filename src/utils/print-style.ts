/**
 * Which Keras the printed output imitates, set with
 * `keras.config.setPrintStyle('keras3' | 'tfkeras2')`:
 *
 * - 'tfkeras2' (the default, the format tinykeras has always printed):
 *   tf.keras 2.x's `1875/1875 [==============================] - 3s 1ms/step - loss: 0.5000 - accuracy: 0.8000`,
 *   its verbose-2 line and its 65-column summary table.
 * - 'keras3': Keras 3's `1875/1875 ━━━━━━━━━━━━━━━━━━━━ 3s 1ms/step - accuracy: 0.8000 - loss: 0.5000`
 *   (with its ANSI bold and colour codes, metrics in alphabetical order,
 *   `val_` metrics after), its verbose-2 line and its box-drawn summary table.
 *
 * Only printed text changes: the logs, `history.history` and evaluate's
 * results keep their order (loss first) in both styles.
 * See docs/printed-output.md.
 */
import { describeValue, ValueError } from '../errors.js';
import { suggestClosest } from './suggest.js';

export type PrintStyle = 'tfkeras2' | 'keras3';
const STYLES: readonly PrintStyle[] = ['tfkeras2', 'keras3'];

let current: PrintStyle = 'tfkeras2';

/**
 * Chooses the Keras whose printed formats tinykeras imitates, for the whole
 * process: 'tfkeras2' (the default) or 'keras3'. Progress bars and summary
 * tables made afterwards use it.
 */
export function setPrintStyle(style: PrintStyle): void {
  if (typeof style !== 'string' || !STYLES.includes(style)) {
    const hint = typeof style === 'string' ? suggestClosest(style, STYLES) : '';
    throw new ValueError(`setPrintStyle: the print style must be 'tfkeras2' or 'keras3'.${hint} Received: style=${describeValue(style)}`);
  }
  current = style;
}

/** The print style in use: 'tfkeras2' (the default) or 'keras3'. */
export function printStyle(): PrintStyle {
  return current;
}
