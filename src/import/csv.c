/* Placeholder: being written (issue 4). */
#include "import_internal.h"
