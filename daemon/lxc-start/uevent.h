/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

int cells_uevent_send (int pidfd);
