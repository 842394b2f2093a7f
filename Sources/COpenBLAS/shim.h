#ifndef MOSAIC_COPENBLAS_SHIM_H
#define MOSAIC_COPENBLAS_SHIM_H
// Debian's libopenblas-dev puts cblas.h under an include directory that pkg-config names.
#include <cblas.h>
#endif
