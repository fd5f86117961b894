#include "memory_advice.h"
napi_status memory_advice_register(napi_env env, napi_value exports) {
  (void)env; (void)exports;
  return napi_ok; /* placeholder: functions not written yet */
}
