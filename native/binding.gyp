{
  "targets": [
    {
      "target_name": "winnow_native",
      "sources": ["src/addon.c", "src/md5_multibuffer.c", "src/memory_advice.c"],
      "cflags": ["-O3", "-std=gnu11", "-Wall", "-Wextra"],
      "cflags!": ["-O2"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
