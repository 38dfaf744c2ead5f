#ifndef HARK_CGPIOD_SHIM_H
#define HARK_CGPIOD_SHIM_H
#include <gpiod.h>
#endif
