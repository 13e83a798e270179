#!/usr/bin/python3
"""Makes the ONNX surrogate fixtures with Debian's PyTorch (python3-torch, CPU), and the numbers the
tests compare the engine with: PyTorch's logits, input gradient and one SGD step on the same weights.

  /usr/bin/python3 scripts/make-onnx-fixtures.py              # the four small fixtures (tests/fixtures/onnx-surrogates)
  /usr/bin/python3 scripts/make-onnx-fixtures.py vgg-bn densenet  # only these
  /usr/bin/python3 scripts/make-onnx-fixtures.py --resnet50 DIR   # full-size ResNet-50 at 224x224 for the bench

Each small fixture is a Fashion-MNIST classifier (1x28x28 NCHW input, normalised with the dataset's
mean/std outside the model, 10 logits), trained 2 epochs on 10,000 images of Debian's
dataset-fashion-mnist so that it is a plausible "pretrained" surrogate, then exported in eval mode with
its batch norms kept (no conv folding). VGG-BN, DenseNet and MobileNetV2 train 1 epoch on 3,000 images
(they test the importer; the ResNet is the demo's "pretrained" surrogate). Beside NAME.onnx, NAME.reference.json holds 8 test images,
the logits, d(mean cross-entropy)/d(pixels in [0,1]) and the logits after one SGD step (train-mode
batch norm, lr 0.1, weight decay 5e-4, no momentum) on those images.
"""
import gzip
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN, STD = 0.286, 0.353
DATA = "/usr/share/datasets/fashion-mnist"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "onnx-surrogates")


def bn(c):
    return nn.BatchNorm2d(c)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = bn(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = bn(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), bn(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class SmallResNet(nn.Module):
    def __init__(self, w=8, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, w, 3, 1, 1, bias=False), bn(w), nn.ReLU())
        blocks, cin = [], w
        for cout, stride in ((w, 1), (w, 1), (2 * w, 2), (2 * w, 1), (4 * w, 2), (4 * w, 1)):
            blocks.append(BasicBlock(cin, cout, stride))
            cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        h = self.blocks(self.stem(x))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(h, 1), 1))


class VggBn(nn.Module):
    def __init__(self, w=8, classes=10):
        super().__init__()
        layers, cin = [], 1
        for v in (w, w, "M", 2 * w, 2 * w, "M", 4 * w, "M"):
            if v == "M":
                layers.append(nn.MaxPool2d(2))
            else:
                layers += [nn.Conv2d(cin, v, 3, padding=1), bn(v), nn.ReLU()]
                cin = v
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Linear(cin * 3 * 3, 64), nn.ReLU(), nn.Linear(64, classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class DenseLayer(nn.Module):
    def __init__(self, cin, growth):
        super().__init__()
        self.net = nn.Sequential(bn(cin), nn.ReLU(), nn.Conv2d(cin, 4 * growth, 1, bias=False),
                                 bn(4 * growth), nn.ReLU(), nn.Conv2d(4 * growth, growth, 3, padding=1, bias=False))

    def forward(self, x):
        return torch.cat([x, self.net(x)], 1)


class SmallDenseNet(nn.Module):
    def __init__(self, growth=6, classes=10):
        super().__init__()
        c = 2 * growth
        layers = [nn.Conv2d(1, c, 3, padding=1, bias=False)]
        for block in range(2):
            for _ in range(4):
                layers.append(DenseLayer(c, growth))
                c += growth
            if block == 0:
                layers += [bn(c), nn.ReLU(), nn.Conv2d(c, c // 2, 1, bias=False), nn.AvgPool2d(2)]
                c //= 2
        layers += [bn(c), nn.ReLU()]
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(self.features(x), 1), 1))


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        self.residual = stride == 1 and cin == cout
        layers = []
        if expand != 1:
            layers += [nn.Conv2d(cin, hidden, 1, bias=False), bn(hidden), nn.ReLU6()]
        layers += [nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False), bn(hidden), nn.ReLU6(),
                   nn.Conv2d(hidden, cout, 1, bias=False), bn(cout)]
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv(x) if self.residual else self.conv(x)


class SmallMobileNetV2(nn.Module):
    def __init__(self, w=8, classes=10):
        super().__init__()
        layers, cin = [nn.Conv2d(1, w, 3, 1, 1, bias=False), bn(w), nn.ReLU6()], w
        for expand, cout, repeats, stride in ((1, w, 1, 1), (6, 12, 2, 2), (6, 16, 2, 2)):
            for i in range(repeats):
                layers.append(InvertedResidual(cin, cout, stride if i == 0 else 1, expand))
                cin = cout
        layers += [nn.Conv2d(cin, 64, 1, bias=False), bn(64), nn.ReLU6()]
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(self.features(x), 1), 1))


class Bottleneck(nn.Module):
    def __init__(self, cin, width, stride):
        super().__init__()
        cout = width * 4
        self.conv1, self.bn1 = nn.Conv2d(cin, width, 1, bias=False), bn(width)
        self.conv2, self.bn2 = nn.Conv2d(width, width, 3, stride, 1, bias=False), bn(width)
        self.conv3, self.bn3 = nn.Conv2d(width, cout, 1, bias=False), bn(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), bn(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return F.relu(out + (self.down(x) if self.down is not None else x))


class ResNet50(nn.Module):
    """torchvision's ResNet-50 layout (v1.5: stride on the 3x3), 224x224x3 in, 1000 logits."""

    def __init__(self, classes=1000):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), bn(64), nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        blocks, cin = [], 64
        for width, count, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
            for i in range(count):
                blocks.append(Bottleneck(cin, width, stride if i == 0 else 1))
                cin = width * 4
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(self.blocks(self.stem(x)), 1), 1))


def read_idx(name):
    with gzip.open(os.path.join(DATA, name)) as f:
        data = f.read()
    if data[2] == 8 and data[3] == 3:
        return np.frombuffer(data, np.uint8, offset=16).reshape(-1, 28, 28)
    return np.frombuffer(data, np.uint8, offset=8)


def export(model, path, opset, shape):
    model.eval()
    torch.onnx.export(model, torch.zeros(*shape), path, opset_version=opset, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE)


def train(model, images, labels, epochs=2, batch=64):
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    x = (torch.tensor(images, dtype=torch.float32).unsqueeze(1) / 255 - MEAN) / STD
    y = torch.tensor(labels, dtype=torch.long)
    g = torch.Generator().manual_seed(0)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(y), generator=g)
        for i in range(0, len(y), batch):
            idx = order[i:i + batch]
            opt.zero_grad()
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()


def reference(model, pixels, labels):
    """Logits, input gradient (w.r.t. [0,1] pixels) and one SGD step, on 8 images."""
    model.eval()
    p = torch.tensor(pixels, dtype=torch.float32).unsqueeze(1) / 255
    p.requires_grad_(True)
    y = torch.tensor(labels, dtype=torch.long)
    logits = model((p - MEAN) / STD)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    ref = {"pixels": pixels.astype(int).flatten().tolist(), "shape": [len(labels), 1, 28, 28], "labels": labels.astype(int).tolist(),
           "mean": [MEAN], "std": [STD], "logits": logits.detach().flatten().tolist(), "inputGradient": p.grad.flatten().tolist()}
    step = {"lr": 0.1, "weightDecay": 5e-4, "momentum": 0}
    opt = torch.optim.SGD(model.parameters(), lr=step["lr"], weight_decay=step["weightDecay"])
    model.train()
    opt.zero_grad()
    train_loss = F.cross_entropy(model((p.detach() - MEAN) / STD), y)
    train_loss.backward()
    opt.step()
    model.eval()
    with torch.no_grad():
        step["loss"] = float(train_loss)
        step["logitsAfter"] = model((p.detach() - MEAN) / STD).flatten().tolist()
    ref["sgdStep"] = step
    return ref


def main():
    torch.manual_seed(0)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    if len(sys.argv) == 3 and sys.argv[1] == "--resnet50":
        os.makedirs(sys.argv[2], exist_ok=True)
        path = os.path.join(sys.argv[2], "resnet50.onnx")
        export(ResNet50(), path, 13, (1, 3, 224, 224))
        print(path, os.path.getsize(path), "bytes")
        return
    images, labels = read_idx("train-images-idx3-ubyte.gz")[:10000], read_idx("train-labels-idx1-ubyte.gz")[:10000]
    only = set(sys.argv[1:])
    test_images, test_labels = read_idx("t10k-images-idx3-ubyte.gz")[:8], read_idx("t10k-labels-idx1-ubyte.gz")[:8]
    os.makedirs(OUT, exist_ok=True)
    for name, make, opset in (("resnet", SmallResNet, 17), ("vgg-bn", VggBn, 13), ("densenet", SmallDenseNet, 13), ("mobilenetv2", SmallMobileNetV2, 14)):
        if only and name not in only:
            continue
        torch.manual_seed(0)
        model = make()
        if name == "resnet":
            train(model, images, labels)
        else:
            train(model, images[:3000], labels[:3000], epochs=1)
        path = os.path.join(OUT, f"{name}.onnx")
        export(model, path, opset, (1, 1, 28, 28))
        with open(os.path.join(OUT, f"{name}.reference.json"), "w") as f:
            json.dump(reference(model, test_images, test_labels), f)
        print(name, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
