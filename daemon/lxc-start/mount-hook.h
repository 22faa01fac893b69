/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

int cells_mount_hook (const char *source, const char *target);
int cells_mask_hook  (const char *source, char **targets);
