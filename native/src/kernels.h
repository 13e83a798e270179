// The kernels the addon exports, and the layout of each one's parameter array. The TypeScript
// side (main/engine/backend/native/native-params.ts) builds the arrays in exactly this order.
#pragma once

#include "call-args.h"

namespace flatline {

// Convolution, NHWC activations. Weights are tfjs's [KH, KW, C, OC] when groups = 1 and its
// depthwise [KH, KW, C, multiplier] when groups = C. Dilations are tfjs's (1 = none).
namespace conv {
enum Param {
  N, H, W, C, OH, OW, OC, KH, KW, SH, SW, DH, DW, PAD_TOP, PAD_LEFT, GROUPS, ACTIVATION, ALPHA, HAS_BIAS,
  GEOMETRY_COUNT,                      // the values above shape the primitive
  SRC = GEOMETRY_COUNT, WEIGHTS, DST, BIAS,  // heap offsets (x or dx, w or dw, y or dy, bias or -1)
  COUNT
};
}
void convForward(const CallArgs &args);        // y = act(conv(x, w) + bias)
void convBackwardData(const CallArgs &args);   // dx from dy and w
void convBackwardWeights(const CallArgs &args);  // dw from x and dy

// Batched matmul: out[b] = act(op(A[b]) · op(B[b]) + bias), op = optional transpose; a batch of 1
// broadcasts against the other.
namespace matmul {
enum Param {
  BATCH_A, BATCH_B, M, K, N, TRANSPOSE_A, TRANSPOSE_B, ACTIVATION, ALPHA, HAS_BIAS,
  GEOMETRY_COUNT,
  A = GEOMETRY_COUNT, B, OUT, BIAS,
  COUNT
};
}
void matmulForward(const CallArgs &args);

// 2-D max or average pooling (average excludes padding, as tfjs does), NHWC.
namespace pool {
enum Param {
  N, H, W, C, OH, OW, KH, KW, SH, SW, PAD_TOP, PAD_LEFT, MAX,
  GEOMETRY_COUNT,
  X = GEOMETRY_COUNT, Y, DX,  // forward: x → y; backward: x (max only), y holds dy, → dx
  COUNT
};
}
void poolForward(const CallArgs &args);
void poolBackward(const CallArgs &args);

// Batch normalization in training: statistics over N, H and W per channel (biased variance, as
// tf.moments), then scale and shift, and with RELU = 1 a ReLU after; and its gradient, through
// the batch statistics (and the ReLU, from the forward output OUT), giving dx, dscale and dshift
// in one pass.
namespace batchnorm {
enum Param {
  N, H, W, C, EPSILON, RELU,
  GEOMETRY_COUNT,
  X = GEOMETRY_COUNT, SCALE, SHIFT, MEAN, VARIANCE, Y, DX, DSCALE, DSHIFT,  // Y holds dy going back
  OUT,  // going back with RELU: the forward output y (else -1)
  COUNT
};
}
void batchNormForward(const CallArgs &args);   // x, scale, shift → y, mean, variance
void batchNormBackward(const CallArgs &args);  // x, scale, mean, variance, dy → dx, dscale, dshift

// The SGD-momentum update of every weight in one call: per weight its length and the heap offsets
// of w, g, buf (inputs) and the new w and buf (outputs), PER_WEIGHT values each after the header.
namespace sgd {
enum Param { COUNT, LR, MOMENTUM, WEIGHT_DECAY, FIRST_WEIGHT };
enum Weight { LENGTH, W, G, B, NEW_W, NEW_B, PER_WEIGHT };
}
void sgdMomentum(const CallArgs &args);

// The gradient through a ReLU from its output: dx = dy where y > 0, else 0.
namespace relugrad {
enum Param { COUNT, Y, DY, DX };
}
void reluBackward(const CallArgs &args);
void reluGradient(const float *y, const float *dy, float *out, int64_t n);  // the loop, for other kernels

// A residual join: y = max(a + b, 0), element by element (a and b of the same shape).
namespace addrelu {
enum Param { COUNT, A, B, Y };
}
void addRelu(const CallArgs &args);

}  // namespace flatline
