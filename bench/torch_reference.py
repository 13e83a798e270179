"""PyTorch peer of `npm run bench` (Debian's python3-torch, CPU): the same small CNN, recipe and
BIM settings on the same embedded Fashion-MNIST subset, so throughput can be compared.

Run: /usr/bin/python3 bench/torch_reference.py [threads]
"""
import gzip, struct, sys, time
from pathlib import Path
import torch, torch.nn as nn, torch.nn.functional as F

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(threads)
torch.manual_seed(0)
root = Path(__file__).resolve().parent.parent / 'resources/demo/fashion-mnist'

def idx(name):
    data = gzip.open(root / name).read()
    ndim = data[3]
    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    return torch.frombuffer(bytearray(data[4 + 4 * ndim:]), dtype=torch.uint8).reshape(dims)

x_train = idx('train-images-idx3-ubyte.gz')[:1920].float().div(255).unsqueeze(1)
y_train = idx('train-labels-idx1-ubyte.gz')[:1920].long()
x_test = idx('t10k-images-idx3-ubyte.gz')[:100].float().div(255).unsqueeze(1)
y_test = idx('t10k-labels-idx1-ubyte.gz')[:100].long()

def block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())

class SmallCnn(nn.Module):
    def __init__(self, w=16):
        super().__init__()
        self.s1, self.s2, self.s3 = block(1, w), block(w, 2 * w), block(2 * w, 4 * w)
        self.head = nn.Linear(4 * w, 10)
    def forward(self, x):
        x = (x - 0.286) / 0.353
        x = self.s3(F.avg_pool2d(self.s2(F.avg_pool2d(self.s1(x), 2)), 2))
        return self.head(x.mean((2, 3)))

def augment(x):
    padded = F.pad(x, (4, 4, 4, 4))
    out = torch.empty_like(x)
    for i in range(x.shape[0]):
        dy, dx = torch.randint(0, 9, (2,))
        img = padded[i, :, dy:dy + 28, dx:dx + 28]
        out[i] = img.flip(-1) if torch.rand(()) < 0.5 else img
    return out

model = SmallCnn()
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
model.train()
start = time.perf_counter()
perm = torch.randperm(1920)
for i in range(0, 1920, 64):
    idxs = perm[i:i + 64]
    loss = F.cross_entropy(model(augment(x_train[idxs])), y_train[idxs])
    opt.zero_grad(); loss.backward(); opt.step()
train_s = time.perf_counter() - start

model.eval()
eps, alpha = 16 / 255, 1.6 / 255
lo, hi = (x_test - eps).clamp(min=0), (x_test + eps).clamp(max=1)
x = x_test.clone()
start = time.perf_counter()
for _ in range(50):
    x.requires_grad_(True)
    grad, = torch.autograd.grad(F.cross_entropy(model(x), y_test, reduction='sum'), x)
    x = torch.min(torch.max(x.detach() + alpha * grad.sign(), lo), hi)
bim_s = time.perf_counter() - start
print(f'torch {torch.__version__} CPU, {threads} thread(s): small-cnn w=16 training {1920 / train_s:.0f} images/s; '
      f'BIM 50 steps {100 / bim_s:.1f} adversarial examples/s')
