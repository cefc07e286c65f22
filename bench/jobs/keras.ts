/**
 * The seed job on real Keras 3, `--backend tensorflow|jax`: runs
 * bench/peers/keras-seed-job.py with the real-Keras venv's Python (or
 * another that imports keras, tensorflow and jax: bench/lib/python.ts) and
 * passes its figures on in the protocol of bench/lib/protocol.ts.
 *
 *     npx tsx bench/jobs/keras.ts --backend jax --epochs 1 --samples 10000 [--model cnn]
 */
import { findKerasPython, PYTHON_CANDIDATES, runPythonPeer } from '../lib/python.js';
import { parseJobOptions } from '../lib/protocol.js';

const BACKENDS = ['tensorflow', 'jax'] as const;
const backendIndex = process.argv.indexOf('--backend');
const backend = process.argv[backendIndex + 1];
if (backendIndex < 0 || !BACKENDS.includes(backend as (typeof BACKENDS)[number])) {
  throw new Error(`--backend takes ${BACKENDS.join(' or ')}. Received: ${backend ?? 'nothing'}`);
}
process.argv.splice(backendIndex, 2); // the rest are the common job options
const options = parseJobOptions(1);
const python = findKerasPython();
if (python === null) throw new Error(`Keras is unavailable: \`import keras, tensorflow, jax\` failed with ${PYTHON_CANDIDATES.join(', ')} (npm run test:keras builds the venv).`);
const env = { ...process.env, KERAS_BACKEND: backend, TF_CPP_MIN_LOG_LEVEL: '3', CUDA_VISIBLE_DEVICES: '' };
await runPythonPeer(python, 'keras-seed-job.py', ['--epochs', String(options.epochs), '--samples', String(options.samples), '--model', options.model, '--test-samples', String(options.testSamples)], options, env);
