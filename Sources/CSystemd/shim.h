#ifndef MOSAIC_CSYSTEMD_SHIM_H
#define MOSAIC_CSYSTEMD_SHIM_H
#include <systemd/sd-daemon.h>

// sd_notifyf is variadic, which Swift cannot call; the daemon formats its own strings
// and passes them through sd_notify.
static inline int mosaic_sd_notify(int unset_environment, const char *state) {
    return sd_notify(unset_environment, state);
}
#endif
