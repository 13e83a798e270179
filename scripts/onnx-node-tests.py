#!/usr/bin/python3
"""Writes ONNX's backend node tests (model.onnx + test_data_set_0/*.pb) into OUT_DIR, from Debian's
python3-onnx, and prints one line per node test: its folder name and the op types it uses.

Debian 12's numpy (1.24) dropped the aliases onnx 1.12's test generators still use (np.float, …),
so they are put back before onnx is imported.
Usage: /usr/bin/python3 scripts/onnx-node-tests.py OUT_DIR
"""
import os
import sys

import numpy as np

for alias, value in (("float", float), ("int", int), ("bool", bool), ("object", object)):
    if not hasattr(np, alias):
        setattr(np, alias, value)

import onnx  # noqa: E402
from onnx.backend.test.cmd_tools import main  # noqa: E402

out = sys.argv[1]
sys.argv = ["backend-test-tools", "generate-data", "-o", out]
main()
node_dir = os.path.join(out, "node")
for name in sorted(os.listdir(node_dir)):
    model = onnx.load(os.path.join(node_dir, name, "model.onnx"), load_external_data=False)
    print(name, " ".join(sorted({n.op_type for n in model.graph.node})))
