/** A module Web Worker that runs what the page asks for: the shared training run, or a dataset load. */
import * as keras from '../../src/browser.js';
import { trainSeedModel } from './fixture.js';

type Request = { task: 'train'; threads?: number } | { task: 'loadData'; options: keras.WebLoadDataOptions };
// The DOM library types `self` as a window; in a worker it is a DedicatedWorkerGlobalScope.
const scope = self as unknown as { onmessage: (event: MessageEvent<Request>) => void; postMessage(message: unknown): void };

scope.onmessage = async (event) => {
  try {
    if (event.data.task === 'train') {
      scope.postMessage({ result: await trainSeedModel(keras, event.data.threads) });
    } else {
      const [[xTrain, yTrain], [xTest]] = await keras.datasets.fashionMnist.loadData(event.data.options);
      scope.postMessage({ result: { trainShape: xTrain.shape, testShape: xTest.shape, labels: Array.from(yTrain.data) } });
    }
  } catch (error) {
    scope.postMessage({ error: `${(error as Error).name}: ${(error as Error).message}` });
  }
};
