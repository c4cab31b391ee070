/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

#define RINGBRIDGE_INSIDE

#include <ringbridge/rb-version.h>
#include <ringbridge/rb-types.h>
#include <ringbridge/rb-enum-types.h>
#include <ringbridge/rb-ring.h>
#include <ringbridge/rb-ring-status.h>
#include <ringbridge/rb-timing.h>
#include <ringbridge/rb-ring-items.h>
#include <ringbridge/rb-reader.h>
#include <ringbridge/rb-ring-view.h>
#include <ringbridge/rb-ring-watch.h>

#undef RINGBRIDGE_INSIDE
