/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "cells-definition.h"

/* Aborts unless @def, saved as cell.conf, loads again and saves the same. */
void fuzz_check_stored (const CellsDefinition *def);
