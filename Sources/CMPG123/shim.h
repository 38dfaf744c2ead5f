#ifndef HARK_CMPG123_SHIM_H
#define HARK_CMPG123_SHIM_H
#include <mpg123.h>
#endif
