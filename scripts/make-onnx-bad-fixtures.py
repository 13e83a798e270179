#!/usr/bin/python3
"""Makes the small ONNX files the importer's refusal tests use (tests/fixtures/onnx-surrogates/bad/),
with Debian's python3-onnx helper API: each is a 28x28 grayscale, 10-class classifier but for one flaw.

  /usr/bin/python3 scripts/make-onnx-bad-fixtures.py
"""
import os

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save_model

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "onnx-surrogates", "bad")
rng = np.random.default_rng(0)


def weights(name, *shape, dtype=np.float32):
    return numpy_helper.from_array((rng.standard_normal(shape) * 0.1).astype(dtype), name)


def classifier(name, middle, inits, dims=("batch", 1, 28, 28), opset=13, extra_nodes=()):
    """input → Conv(10 channels) → middle… → GlobalAveragePool → Flatten → logits."""
    nodes = [helper.make_node("Conv", ["input", "w", "b"], ["c"], name="conv", pads=[1, 1, 1, 1], kernel_shape=[3, 3])]
    nodes += middle
    nodes += [helper.make_node("GlobalAveragePool", [nodes[-1].output[0]], ["g"], name="pool"),
              helper.make_node("Flatten", ["g"], ["logits"], name="flatten")]
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, list(dims))],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 10])],
                              [weights("w", 10, 1, 3, 3), weights("b", 10), *inits])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="flatline-fixtures")


def main():
    os.makedirs(OUT, exist_ok=True)
    save_model(classifier("unsupported", [helper.make_node("Celu", ["c"], ["h"], name="act/celu")], []), os.path.join(OUT, "unsupported-op.onnx"))
    save_model(classifier("dynamic", [helper.make_node("Relu", ["c"], ["h"], name="relu")], [], dims=("batch", 1, "height", "width")),
               os.path.join(OUT, "dynamic-shape.onnx"))
    # No initializer at all: 10 input channels averaged and flattened.
    graph = helper.make_graph([helper.make_node("Relu", ["input"], ["h"], name="relu"), helper.make_node("GlobalAveragePool", ["h"], ["g"], name="pool"),
                               helper.make_node("Flatten", ["g"], ["logits"], name="flatten")], "noweights",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 1, 28, 28])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 1])])
    save_model(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), os.path.join(OUT, "no-float-weights.onnx"))
    # int8 weights behind QLinearConv: onnxruntime runs it (a target), the importer refuses it as a surrogate.
    q = [numpy_helper.from_array(np.array(0.02, np.float32), "xs"), numpy_helper.from_array(np.array(0, np.uint8), "xz"),
         numpy_helper.from_array((rng.integers(-60, 60, (10, 1, 3, 3))).astype(np.int8), "qw"),
         numpy_helper.from_array(np.array(0.01, np.float32), "ws"), numpy_helper.from_array(np.array(0, np.int8), "wz"),
         numpy_helper.from_array(np.array(0.05, np.float32), "ys"), numpy_helper.from_array(np.array(128, np.uint8), "yz")]
    nodes = [helper.make_node("QuantizeLinear", ["input", "xs", "xz"], ["qx"], name="quantize"),
             helper.make_node("QLinearConv", ["qx", "xs", "xz", "qw", "ws", "wz", "ys", "yz"], ["qc"], name="qconv", pads=[1, 1, 1, 1]),
             helper.make_node("DequantizeLinear", ["qc", "ys", "yz"], ["c"], name="dequantize"),
             helper.make_node("GlobalAveragePool", ["c"], ["g"], name="pool"), helper.make_node("Flatten", ["g"], ["logits"], name="flatten")]
    graph = helper.make_graph(nodes, "quantized", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", 1, 28, 28])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 10])], q)
    save_model(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), os.path.join(OUT, "quantized-int8.onnx"))
    # A valid model whose weights live in an external data file beside it.
    ok = classifier("external", [helper.make_node("Relu", ["c"], ["h"], name="relu")], [])
    save_model(ok, os.path.join(OUT, "external-data.onnx"), save_as_external_data=True, all_tensors_to_one_file=True,
               location="external-data.onnx.data", size_threshold=0)
    print("written to", OUT)


if __name__ == "__main__":
    main()
