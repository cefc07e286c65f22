/**
 * The bias of a dense layer, forward and backward, as plain loops over
 * row-major [rows, units] matrices:
 *
 *     addBias:     A[r, j] += b[j]
 *     columnSums:  out[j] = Σ_r dZ[r, j]       (the bias gradient: b feeds every row)
 */

/** A[r, j] += bias[j] for rows [rowStart, rowEnd). */
export function addBias(A: Float32Array, bias: Float32Array, rowStart: number, rowEnd: number, units: number): void {
  for (let r = rowStart; r < rowEnd; r++) {
    for (let j = 0, row = r * units; j < units; j++) A[row + j]! += bias[j]!;
  }
}

/**
 * out[j] = Σ_{r < rows} dZ[r, j] for columns [colStart, colEnd), summed in
 * row order in float32, as autograd's broadcast add accumulates its bias
 * gradient (so the two executors agree bit for bit).
 */
export function columnSums(dZ: Float32Array, rows: number, units: number, colStart: number, colEnd: number, out: Float32Array): void {
  for (let j = colStart; j < colEnd; j++) {
    let total = 0;
    for (let r = 0; r < rows; r++) total = Math.fround(total + dZ[r * units + j]!);
    out[j] = total;
  }
}
