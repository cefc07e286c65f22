"""The seed job on PyTorch (CPU), for comparison in the same run as ours.

The same model, optimizer, loss, batch size and data as bench/jobs/tinykeras.ts:
Linear(784, 128), ReLU, Linear(128, 10) on flattened Fashion-MNIST images / 255,
CrossEntropyLoss on the logits (what Keras's softmax + sparse crossentropy
computes), Adam(lr 1e-3, eps 1e-7), Glorot-uniform weights and zero biases
(Keras's Dense defaults), batch 32, a torch.randperm shuffle every epoch.
Predict and evaluate run in batches of 32 under torch.no_grad().

With --model cnn, TensorFlow's CNN tutorial model instead, channels first:
Conv2d(1, 32, 3), ReLU, MaxPool2d(2), Conv2d(32, 64, 3), ReLU, MaxPool2d(2),
Conv2d(64, 64, 3), ReLU, Flatten, Linear(576, 64), ReLU, Linear(64, 10), with
Keras's initialisation (Glorot-uniform kernels, zero biases).

--threads N is torch.set_num_threads(N); BLAS's own threads are pinned by
the caller (bench/jobs/pytorch.ts sets OPENBLAS_NUM_THREADS, OMP_NUM_THREADS
and MKL_NUM_THREADS to N), since set_num_threads alone leaves OpenBLAS on
every core.

Measured: seconds of each epoch, ms per step, test loss and accuracy, predict
and evaluate on the 10,000 test images (best of 3 each), the cores used while
training (process CPU time / wall time), and the peak resident memory of the
whole process.

    /usr/bin/python3 bench/peers/pytorch-seed-job.py --threads 1 --epochs 1 [--samples N] [--model cnn] [--json]

With --json the result is one line on stdout prefixed "@bench-result " and
progress goes to stderr prefixed "@bench-progress " (bench/lib/protocol.ts).
"""
import time

import torch

from fashion_mnist import data_dir, load_scaled
from peer_job import BATCH, REPEATS, SEED, best_of, job_name, parser, progress, report


def parse_args():
    p = parser()
    p.add_argument("--threads", type=int, default=1)
    return p.parse_args()


def load(directory, samples, model, test_samples):
    image_shape = (784,) if model == "seed" else (1, 28, 28)
    return [torch.from_numpy(a) for a in load_scaled(directory, samples, image_shape, test_samples)]


def glorot(layer):
    """Keras's defaults: Glorot uniform, limit sqrt(6 / (fan_in + fan_out)) (a conv's fans count its window), zero bias."""
    torch.nn.init.xavier_uniform_(layer.weight)
    torch.nn.init.zeros_(layer.bias)
    return layer


def build(model):
    nn = torch.nn
    if model == "seed":
        return nn.Sequential(glorot(nn.Linear(784, 128)), nn.ReLU(), glorot(nn.Linear(128, 10)))
    return nn.Sequential(
        glorot(nn.Conv2d(1, 32, 3)), nn.ReLU(), nn.MaxPool2d(2),
        glorot(nn.Conv2d(32, 64, 3)), nn.ReLU(), nn.MaxPool2d(2),
        glorot(nn.Conv2d(64, 64, 3)), nn.ReLU(), nn.Flatten(),
        glorot(nn.Linear(576, 64)), nn.ReLU(), glorot(nn.Linear(64, 10)),
    )


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(SEED)
    x, y, x_test, y_test = load(data_dir(args.data_dir), args.samples, args.model, args.test_samples)
    model = build(args.model)
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
        "job": job_name(args, f"pytorch-{args.threads}"),
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
