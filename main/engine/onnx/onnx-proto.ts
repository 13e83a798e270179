/**
 * ONNX's protobuf messages, read and written with protobufjs.
 *
 * The schema is the subset of ONNX's `onnx.proto` (proto2, package `onnx`) that a model file uses:
 * field numbers as ONNX publishes them (IR version 10), comments and the training/function parts
 * left out. protobufjs skips fields it does not know, so a newer file still reads.
 */
import protobuf from 'protobufjs'

const SCHEMA = `
syntax = "proto2";
package onnx;
message AttributeProto {
  optional string name = 1;
  optional string ref_attr_name = 21;
  optional int32 type = 20;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  optional TensorProto t = 5;
  optional GraphProto g = 6;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
  repeated TensorProto tensors = 10;
  repeated GraphProto graphs = 11;
}
message ValueInfoProto {
  optional string name = 1;
  optional TypeProto type = 2;
  optional string doc_string = 3;
}
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  optional string domain = 7;
  repeated AttributeProto attribute = 5;
  optional string doc_string = 6;
}
message ModelProto {
  optional int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  optional string producer_name = 2;
  optional string producer_version = 3;
  optional string domain = 4;
  optional int64 model_version = 5;
  optional string doc_string = 6;
  optional GraphProto graph = 7;
  repeated StringStringEntryProto metadata_props = 14;
}
message StringStringEntryProto {
  optional string key = 1;
  optional string value = 2;
}
message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated TensorProto initializer = 5;
  repeated SparseTensorProto sparse_initializer = 15;
  optional string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}
message TensorProto {
  repeated int64 dims = 1;
  optional int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int32 int32_data = 5 [packed = true];
  repeated bytes string_data = 6;
  repeated int64 int64_data = 7 [packed = true];
  optional string name = 8;
  optional string doc_string = 12;
  optional bytes raw_data = 9;
  repeated StringStringEntryProto external_data = 13;
  optional int32 data_location = 14;
  repeated double double_data = 10 [packed = true];
  repeated uint64 uint64_data = 11 [packed = true];
}
message SparseTensorProto {
  optional TensorProto values = 1;
  optional TensorProto indices = 2;
  repeated int64 dims = 3;
}
message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
    optional string denotation = 3;
  }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor {
    optional int32 elem_type = 1;
    optional TensorShapeProto shape = 2;
  }
  message Sequence {
    optional TypeProto elem_type = 1;
  }
  message Optional {
    optional TypeProto elem_type = 1;
  }
  oneof value {
    Tensor tensor_type = 1;
    Sequence sequence_type = 4;
    Optional optional_type = 9;
  }
  optional string denotation = 6;
}
message OperatorSetIdProto {
  optional string domain = 1;
  optional int64 version = 2;
}
`

const root = protobuf.parse(SCHEMA, { keepCase: true }).root
const ModelType = root.lookupType('onnx.ModelProto')
const TensorType = root.lookupType('onnx.TensorProto')

/** TensorProto.DataType values. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  BFLOAT16: 16
} as const

export const DATA_TYPE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(DataType).map(([k, v]) => [v, k.toLowerCase()])
)

/** AttributeProto.AttributeType values. */
export const AttributeType = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10
} as const

type Int64 = number | { low: number; high: number; unsigned?: boolean; toNumber?: () => number }

export interface TensorMessage {
  dims?: Int64[]
  data_type?: number
  float_data?: number[]
  int32_data?: number[]
  int64_data?: Int64[]
  double_data?: number[]
  uint64_data?: Int64[]
  string_data?: Uint8Array[]
  name?: string
  raw_data?: Uint8Array
  external_data?: { key?: string; value?: string }[]
  data_location?: number
}

export interface AttributeMessage {
  name?: string
  type?: number
  f?: number
  i?: Int64
  s?: Uint8Array
  t?: TensorMessage
  g?: GraphMessage
  floats?: number[]
  ints?: Int64[]
  strings?: Uint8Array[]
  tensors?: TensorMessage[]
}

export interface NodeMessage {
  input?: string[]
  output?: string[]
  name?: string
  op_type?: string
  domain?: string
  attribute?: AttributeMessage[]
}

export interface DimMessage {
  dim_value?: Int64
  dim_param?: string
}

export interface ValueInfoMessage {
  name?: string
  type?: {
    tensor_type?: { elem_type?: number; shape?: { dim?: DimMessage[] } }
    sequence_type?: unknown
    optional_type?: unknown
  }
}

export interface GraphMessage {
  node?: NodeMessage[]
  name?: string
  initializer?: TensorMessage[]
  sparse_initializer?: unknown[]
  input?: ValueInfoMessage[]
  output?: ValueInfoMessage[]
  value_info?: ValueInfoMessage[]
}

export interface ModelMessage {
  ir_version?: Int64
  opset_import?: { domain?: string; version?: Int64 }[]
  producer_name?: string
  producer_version?: string
  graph?: GraphMessage
  metadata_props?: { key?: string; value?: string }[]
}

/** An int64 field as a JS number (model dimensions and attributes fit in 53 bits). */
export function int64(value: Int64 | undefined): number {
  if (value === undefined) return 0
  if (typeof value === 'number') return value
  return value.toNumber ? value.toNumber() : value.high * 2 ** 32 + (value.low >>> 0)
}

export function decodeModel(bytes: Uint8Array): ModelMessage {
  return ModelType.toObject(ModelType.decode(bytes), {
    longs: Number,
    defaults: false,
    arrays: true
  }) as ModelMessage
}

export function encodeModel(model: ModelMessage): Uint8Array {
  return ModelType.encode(ModelType.fromObject(model)).finish()
}

export function decodeTensor(bytes: Uint8Array): TensorMessage {
  return TensorType.toObject(TensorType.decode(bytes), {
    longs: Number,
    defaults: false,
    arrays: true
  }) as TensorMessage
}

export function encodeTensor(tensor: TensorMessage): Uint8Array {
  return TensorType.encode(TensorType.fromObject(tensor)).finish()
}
