# The optional native kernels: an N-API addon over oneDNN (see docs/native-kernels.md).
# Linux: Debian's libdnnl-dev (headers and libdnnl.so in the system paths).
# Elsewhere: set DNNL_ROOT to a oneDNN install (include/ and lib/) before `npm run build:native`.
{
  "variables": {
    "dnnl_root%": "<!(node -p \"process.env.DNNL_ROOT || ''\")"
  },
  "targets": [
    {
      "target_name": "flatline_native",
      "sources": [
        "src/addon.cc",
        "src/runtime.cc",
        "src/conv.cc",
        "src/matmul.cc",
        "src/pool.cc",
        "src/batch_norm.cc",
        "src/sgd.cc",
        "src/eltwise.cc"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-ffp-contract=off"],
      "conditions": [
        ["dnnl_root!=''", {
          "include_dirs": ["<(dnnl_root)/include"],
          "library_dirs": ["<(dnnl_root)/lib"]
        }],
        ["OS=='linux'", {
          "cflags_cc": ["-fopenmp"],
          "libraries": ["-ldnnl", "-lgomp"],
          "conditions": [
            ["dnnl_root!=''", { "ldflags": ["-Wl,-rpath,<(dnnl_root)/lib"] }]
          ]
        }],
        ["OS=='mac'", {
          "libraries": ["-L<(dnnl_root)/lib", "-ldnnl", "-Wl,-rpath,<(dnnl_root)/lib"],
          "xcode_settings": {
            "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
            "GCC_ENABLE_CPP_RTTI": "YES",
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "OTHER_CPLUSPLUSFLAGS": ["-ffp-contract=off"],
            "MACOSX_DEPLOYMENT_TARGET": "11.0"
          }
        }],
        ["OS=='win'", {
          "libraries": ["<(dnnl_root)/lib/dnnl.lib"],
          "msvs_settings": {
            "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17"] }
          }
        }]
      ]
    }
  ]
}
