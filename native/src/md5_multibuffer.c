#include "md5_multibuffer.h"
napi_status md5_multibuffer_register(napi_env env, napi_value exports) {
  (void)env; (void)exports;
  return napi_ok; /* placeholder: functions not written yet */
}
