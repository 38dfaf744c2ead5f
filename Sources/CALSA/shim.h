#ifndef HARK_CALSA_SHIM_H
#define HARK_CALSA_SHIM_H
#include <alsa/asoundlib.h>

/* alsa-lib prints its own diagnostics to stderr through a variadic handler. Hark reports
   errors itself (with the device name and a fix), so it installs a silent handler. */
static void hark_alsa_silent_error_handler(const char *file, int line, const char *function, int err, const char *fmt, ...) {
    (void)file; (void)line; (void)function; (void)err; (void)fmt;
}
static inline int hark_alsa_silence_errors(void) { return snd_lib_error_set_handler(hark_alsa_silent_error_handler); }
#endif
