"""The seed job on PyTorch (CPU), for comparison in the same run as ours.

The same model, optimizer, loss, batch size and data as bench/jobs/tinykeras.ts:
Linear(784, 128), ReLU, Linear(128, 10) on flattened Fashion-MNIST images / 255,
CrossEntropyLoss on the logits (what Keras's softmax + sparse crossentropy
computes), Adam(lr 1e-3, eps 1e-7), Glorot-uniform weights and zero biases
(Keras's Dense defaults), batch 32, a torch.randperm shuffle every epoch.
Predict and evaluate run in batches of 32 under torch.no_grad().

Measured: seconds of each epoch, ms per step, test loss and accuracy, predict
and evaluate on the 10,000 test images (best of 3 each), the cores used while
training (process CPU time / wall time), and the peak resident memory of the
whole process.

    /usr/bin/python3 bench/peers/pytorch-seed-job.py --threads 1 --epochs 1 [--samples N] [--json]

With --json the result is one line on stdout prefixed "@bench-result " and
progress goes to stderr prefixed "@bench-progress " (bench/lib/protocol.ts).
"""
import time

import numpy as np
import torch

from fashion_mnist import data_dir, load_uint8
from peer_job import BATCH, REPEATS, SEED, best_of, parser, progress, report


def parse_args():
    p = parser()
    p.add_argument("--threads", type=int, default=1)
    return p.parse_args()



def load(directory, samples):
    x, y, x_test, y_test = load_uint8(directory, samples)
    as_float = lambda images: torch.from_numpy(images.astype(np.float32) / 255.0)
    as_long = lambda labels: torch.from_numpy(labels.astype(np.int64))
    return as_float(x), as_long(y), as_float(x_test), as_long(y_test)


def glorot_dense(fan_in, fan_out):
    layer = torch.nn.Linear(fan_in, fan_out)
    torch.nn.init.xavier_uniform_(layer.weight)  # Glorot uniform: limit sqrt(6 / (fan_in + fan_out))
    torch.nn.init.zeros_(layer.bias)
    return layer


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(SEED)
    x, y, x_test, y_test = load(data_dir(args.data_dir), args.samples)
    model = torch.nn.Sequential(glorot_dense(784, 128), torch.nn.ReLU(), glorot_dense(128, 10))
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)

    n = x.shape[0]
    steps = (n + BATCH - 1) // BATCH
    epoch_seconds = []
    cpu_before, wall_before = time.process_time(), time.perf_counter()
    for epoch in range(args.epochs):
        started = time.perf_counter()
        order = torch.randperm(n)
        for step in range(steps):
            index = order[step * BATCH:(step + 1) * BATCH]
            optimizer.zero_grad()
            loss = loss_fn(model(x[index]), y[index])
            loss.backward()
            optimizer.step()
        epoch_seconds.append(time.perf_counter() - started)
        progress(args, f"epoch {epoch + 1}/{args.epochs}: {epoch_seconds[-1]:.2f} s, last batch loss {loss.item():.4f}")
    cores_used = (time.process_time() - cpu_before) / (time.perf_counter() - wall_before)

    def predict():
        with torch.no_grad():
            return torch.cat([torch.softmax(model(x_test[i:i + BATCH]), dim=1) for i in range(0, x_test.shape[0], BATCH)])

    def evaluate():
        total_loss, correct = 0.0, 0
        with torch.no_grad():
            for i in range(0, x_test.shape[0], BATCH):
                logits = model(x_test[i:i + BATCH])
                labels = y_test[i:i + BATCH]
                total_loss += loss_fn(logits, labels).item() * labels.shape[0]
                correct += (logits.argmax(dim=1) == labels).sum().item()
        return total_loss / x_test.shape[0], correct / x_test.shape[0]

    predict_seconds, _ = best_of(REPEATS, predict)
    evaluate_seconds, (test_loss, test_accuracy) = best_of(REPEATS, evaluate)
    mean_epoch = sum(epoch_seconds) / len(epoch_seconds)
    result = {
        "job": f"pytorch-{args.threads}",
        "torchVersion": torch.__version__,
        "threads": args.threads,
        "epochs": args.epochs,
        "samples": n,
        "batchSize": BATCH,
        "stepsPerEpoch": steps,
        "secondsPerEpoch": mean_epoch,
        "bestSecondsPerEpoch": min(epoch_seconds),
        "epochSeconds": epoch_seconds,
        "msPerStep": mean_epoch * 1000 / steps,
        "testLoss": test_loss,
        "testAccuracy": test_accuracy,
        "predictSeconds": predict_seconds,
        "predictTiming": f"best of {REPEATS}",
        "evaluateSeconds": evaluate_seconds,
        "coresUsed": cores_used,
    }
    report(args, result)


if __name__ == "__main__":
    main()
