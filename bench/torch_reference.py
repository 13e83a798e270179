"""PyTorch peer of `npm run bench:peer` (Debian's python3-torch, CPU): the same architectures, recipe,
data, batch size and thread count as Flatline's side (bench/peer-workload.ts), so throughput compares.

Each architecture copies ours layer by layer (main/engine/models/): 3x3 convs without bias, batch
norm (PyTorch's momentum 0.1, eps 1e-5), ReLU, 2x2 average pooling in small-cnn, global average
pooling and a linear head; input normalisation inside the model. The parameter count is printed
so the bench can check it against ours. Training is SGD (momentum 0.9, coupled weight decay 5e-4)
on augmented batches (pad-4 random crop and flip); SAM adds the ascent pass at w + rho g/|g| with
batch norm's running statistics left alone, as ours does. BIM is 50 sign steps on the summed
cross-entropy in eval mode.

Run: /usr/bin/python3 bench/torch_reference.py --arch small-cnn --threads 1 [--json]
(`npm run bench:peer` passes every option; the defaults are its small-cnn row.)
"""
import argparse, gzip, json, resource, struct, time
from pathlib import Path
import torch, torch.nn as nn, torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument('--arch', default='small-cnn', choices=['small-cnn', 'small-resnet', 'resnet-18'])
p.add_argument('--width', type=int, default=16)
p.add_argument('--threads', type=int, default=1)
p.add_argument('--train-images', type=int, default=1920)
p.add_argument('--batch', type=int, default=64)
p.add_argument('--minimizer', default='sgd', choices=['sgd', 'sam'])
p.add_argument('--rho', type=float, default=0.05)
p.add_argument('--bim-images', type=int, default=100)
p.add_argument('--bim-steps', type=int, default=50)
p.add_argument('--data-dir', help='an idx folder instead of the embedded demo (the full Fashion-MNIST)')
p.add_argument('--json', action='store_true')
args = p.parse_args()

torch.set_num_threads(args.threads)
torch.manual_seed(0)
root = Path(args.data_dir) if args.data_dir else Path(__file__).resolve().parent.parent / 'resources/demo/fashion-mnist'


def idx(name):
    data = gzip.open(root / name).read()
    ndim = data[3]
    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    return torch.frombuffer(bytearray(data[4 + 4 * ndim:]), dtype=torch.uint8).reshape(dims)


def dataset():
    """Demo Fashion-MNIST for the 28x28 nets; for ResNet-18 at 32x32, random RGB images (speed only)."""
    n = max(args.train_images, args.batch)
    if args.arch == 'resnet-18':
        g = torch.Generator().manual_seed(1)
        x = torch.randint(0, 256, (n + args.bim_images, 3, 32, 32), generator=g, dtype=torch.uint8)
        y = torch.randint(0, 10, (n + args.bim_images,), generator=g)
        return x[:n], y[:n], x[n:], y[n:]
    return (idx('train-images-idx3-ubyte.gz')[:n].unsqueeze(1), idx('train-labels-idx1-ubyte.gz')[:n].long(),
            idx('t10k-images-idx3-ubyte.gz')[:args.bim_images].unsqueeze(1), idx('t10k-labels-idx1-ubyte.gz')[:args.bim_images].long())


def conv_bn(cin, cout, k, stride, relu=True):
    layers = [nn.Conv2d(cin, cout, k, stride, padding=k // 2, bias=False), nn.BatchNorm2d(cout)]
    return nn.Sequential(*layers, nn.ReLU()) if relu else nn.Sequential(*layers)


class Normalize(nn.Module):
    def __init__(self, x):
        super().__init__()
        xf = x.float().div(255)
        self.register_buffer('mean', xf.mean((0, 2, 3), keepdim=True))
        self.register_buffer('std', xf.std((0, 2, 3), keepdim=True))

    def forward(self, x):
        return (x - self.mean) / self.std


class SmallCnn(nn.Module):
    """main/engine/models/small-cnn.ts: three conv-BN-ReLU stages (w, 2w, 4w), 2x2 average pooling between."""
    def __init__(self, norm, cin, w):
        super().__init__()
        self.norm = norm
        self.s1, self.s2, self.s3 = conv_bn(cin, w, 3, 1), conv_bn(w, 2 * w, 3, 1), conv_bn(2 * w, 4 * w, 3, 1)
        self.head = nn.Linear(4 * w, 10)

    def forward(self, x):
        x = self.s3(F.avg_pool2d(self.s2(F.avg_pool2d(self.s1(self.norm(x)), 2)), 2))
        return self.head(x.mean((2, 3)))


class Block(nn.Module):
    """Post-activation basic block with a 1x1 conv + BN projection where the shape changes."""
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.a, self.b = conv_bn(cin, cout, 3, stride), conv_bn(cout, cout, 3, 1, relu=False)
        self.shortcut = conv_bn(cin, cout, 1, stride, relu=False) if stride != 1 or cin != cout else nn.Identity()

    def forward(self, x):
        return F.relu(self.b(self.a(x)) + self.shortcut(x))


class Residual(nn.Module):
    """small-resnet.ts (stride-2 stem, blocks w, 2w, 4w) and resnet.ts's CIFAR ResNet-18 (stem stride 1, [2,2,2,2])."""
    def __init__(self, norm, cin, stem_stride, stages):
        super().__init__()
        self.norm = norm
        self.stem = conv_bn(cin, stages[0][0], 3, stem_stride)
        blocks, c = [], stages[0][0]
        for planes, count, stride in stages:
            for i in range(count):
                blocks.append(Block(c, planes, stride if i == 0 else 1))
                c = planes
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Linear(c, 10)

    def forward(self, x):
        return self.head(self.blocks(self.stem(self.norm(x))).mean((2, 3)))


def build(x_train):
    norm, cin, w = Normalize(x_train), x_train.shape[1], args.width
    if args.arch == 'small-cnn':
        return SmallCnn(norm, cin, w)
    if args.arch == 'small-resnet':
        return Residual(norm, cin, 2, [(w, 1, 1), (2 * w, 1, 2), (4 * w, 1, 2)])
    s = args.width / 64
    return Residual(norm, cin, 1, [(round(64 * s), 2, 1), (round(128 * s), 2, 2), (round(256 * s), 2, 2), (round(512 * s), 2, 2)])


def augment(x):
    """Pad-4 random crop and horizontal flip per example, as one gather (no per-example Python loop)."""
    n, _, h, w = x.shape
    padded = F.pad(x, (4, 4, 4, 4))
    dy, dx = torch.randint(0, 9, (n,)), torch.randint(0, 9, (n,))
    flip = torch.rand(n) < 0.5
    cols = torch.arange(w).expand(n, w)
    cols = torch.where(flip[:, None], w - 1 - cols, cols) + dx[:, None]
    rows = torch.arange(h)[None, :] + dy[:, None]
    return padded[torch.arange(n)[:, None, None, None], torch.arange(x.shape[1])[None, :, None, None],
                  rows[:, None, :, None], cols[:, None, None, :]]


def set_bn_momentum(model, momentum):
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.momentum = momentum


def train_step(model, opt, xb, yb):
    loss = F.cross_entropy(model(xb), yb)
    opt.zero_grad()
    loss.backward()
    if args.minimizer == 'sam':
        params = [q for q in model.parameters() if q.grad is not None]
        norm = torch.norm(torch.stack([q.grad.norm() for q in params]))
        eps = [q.grad * (args.rho / (norm + 1e-12)) for q in params]
        with torch.no_grad():
            for q, e in zip(params, eps):
                q.add_(e)
        set_bn_momentum(model, 0.0)  # the ascent pass uses batch statistics but moves no running statistic
        opt.zero_grad()
        F.cross_entropy(model(xb), yb).backward()
        set_bn_momentum(model, 0.1)
        with torch.no_grad():
            for q, e in zip(params, eps):
                q.sub_(e)
    opt.step()
    return loss.item()


def train(model, x_train, y_train):
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    model.train()
    xf = x_train.float().div(255)
    for i in range(2):  # warm-up, untimed, as ours
        train_step(model, opt, augment(xf[i * args.batch:(i + 1) * args.batch]), y_train[i * args.batch:(i + 1) * args.batch])
    start = time.perf_counter()
    perm = torch.randperm(args.train_images)
    for i in range(0, args.train_images, args.batch):
        ids = perm[i:i + args.batch]
        train_step(model, opt, augment(xf[ids]), y_train[ids])
    return time.perf_counter() - start


def bim(model, x0, y):
    model.eval()
    eps, alpha = 16 / 255, 1.6 / 255
    lo, hi = (x0 - eps).clamp(min=0), (x0 + eps).clamp(max=1)
    x = x0.clone()
    start = time.perf_counter()
    for _ in range(args.bim_steps):
        x.requires_grad_(True)
        grad, = torch.autograd.grad(F.cross_entropy(model(x), y, reduction='sum'), x)
        x = torch.min(torch.max(x.detach() + alpha * grad.sign(), lo), hi)
    return time.perf_counter() - start


x_train, y_train, x_test, y_test = dataset()
model = build(x_train)
result = {'params': sum(q.numel() for q in model.parameters()), 'threads': torch.get_num_threads(),
          'backend': f'torch {torch.__version__} CPU'}
if args.train_images > 0:
    seconds = train(model, x_train, y_train)
    result['trainImagesPerSecond'] = args.train_images / seconds
    result['stepSeconds'] = seconds / -(-args.train_images // args.batch)
if args.bim_images > 0:
    result['bimExamplesPerSecond'] = args.bim_images / bim(model, x_test.float().div(255), y_test)
result['peakRssMiB'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
if args.json:
    print('RESULT ' + json.dumps(result))
else:
    print(f"{result['backend']}, {args.threads} thread(s): {args.arch} w={args.width} ({result['params']} params) " +
          ' '.join(f'{k} {v:.3g}' for k, v in result.items() if isinstance(v, float)))
