/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CellsClaims CellsClaims;

CellsClaims *cells_claims_new     (void);
void         cells_claims_free    (CellsClaims *self);
const char  *cells_claims_take    (CellsClaims *self,
                                   const char  *path,
                                   const char  *holder,
                                   gboolean     exclusive);
void         cells_claims_release (CellsClaims *self,
                                   const char  *path,
                                   const char  *holder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CellsClaims, cells_claims_free)

G_END_DECLS
