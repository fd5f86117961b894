#pragma once
#include <node_api.h>
/* Adds this module's functions to the addon's exports. */
napi_status memory_advice_register(napi_env env, napi_value exports);
