/*
 * winnow_native: the few things Winnow does in C because JavaScript cannot (see each module's header comment).
 * This file only registers the modules' functions on the addon's exports; each module owns its own code.
 */
#include <node_api.h>
#include "md5_multibuffer.h"
#include "memory_advice.h"

static napi_value init(napi_env env, napi_value exports) {
  if (md5_multibuffer_register(env, exports) != napi_ok) return NULL;
  if (memory_advice_register(env, exports) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
