#ifndef HARK_CGPIOD_SHIM_H
#define HARK_CGPIOD_SHIM_H
#include <gpiod.h>

/* Which libgpiod API this header is: 1 (libgpiod 1.x, Debian 12) or 2 (libgpiod >= 2,
   Debian 13). Only v1's header defines the line-bulk limit. The Swift side selects its v1 or v2
   file with a compile-time define from pkg-config (Package.swift); a test compares the two. */
#ifdef GPIOD_LINE_BULK_MAX_LINES
static const int hark_gpiod_api_version = 1;
#else
static const int hark_gpiod_api_version = 2;
#endif

#endif
