/* SPDX-License-Identifier: LGPL-2.1-or-later
 * SPDX-FileCopyrightText: 2026 The ringbridge authors */
#pragma once

/* What ringsink and ringsrc share as elements: which ring they use (the
 * ring-name, ring and open-flags properties and this run's copy of them),
 * properties that are fixed while running, and ring errors as element
 * errors. */

#include "gstringclock.h"

#include <gst/gst.h>
#include <ringbridge/ringbridge.h>

G_BEGIN_DECLS

/* The ids of the properties both elements have: the ring's (made by
 * gst_ring_settings_specs()) and the stats' (gst_ring_stats_specs()).
 * An element's own start at GST_RING_PROP_FIRST_OWN. */
enum
{
  GST_RING_PROP_0,
  GST_RING_PROP_RING_NAME,
  GST_RING_PROP_RING,
  GST_RING_PROP_OPEN_FLAGS,
  GST_RING_PROP_STATS,
  GST_RING_PROP_STATS_INTERVAL,
  GST_RING_PROP_FIRST_OWN
};

typedef struct {
  /* properties, under the element's object lock */
  gchar *ring_name;
  RbRing *ring_prop;
  RbRingOpenFlags open_flags;
  guint stats_interval;         /* ms, 0: no stats messages */
  gboolean posting;             /* PAUSED or PLAYING: the messages are on */

  /* this run, copied at start() */
  gboolean running;
  gchar *name;
  gboolean ring_prop_used;
  RbRingOpenFlags run_open_flags;
} GstRingSettings;

void            gst_ring_settings_clear     (GstRingSettings * s);
gboolean        gst_ring_refuse_while_running (GstElement * element,
                                             const GstRingSettings * s,
                                             GParamSpec * pspec);
gboolean        gst_ring_settings_set_property (GstRingSettings * s,
                                             GstElement * element,
                                             GParamSpec * pspec,
                                             const GValue * value);
gboolean        gst_ring_settings_get_property (const GstRingSettings * s,
                                             GParamSpec * pspec,
                                             GValue * value);
/* A property kept in a field of the element's instance (a gboolean, guint,
 * guint64, gint64 or enum, by the property's type): where, and whether it
 * is refused while the element runs. An offset of 0: not such a property
 * (ring-name, ring and open-flags are the settings'). */
typedef struct {
  gsize offset;
  gboolean fixed_while_running;
} GstRingField;

#define GST_RING_FIELD(type, member, fixed) \
  { G_STRUCT_OFFSET (type, member), (fixed) }

/* the flags of a property that is fixed while the element runs */
#define GST_RING_PARAM_FIXED \
  (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY)

/* What the shared property and state functions know of an element
 * class, given to gst_ring_element_class_init(). */
typedef struct {
  gsize settings_offset;        /* of its GstRingSettings */
  gsize ring_offset;            /* of its RbRing *, set under the object
                                 * lock: what the stats describe */
  const GstRingField *fields;   /* by property id */
  guint n_fields;
  /* after a field's property was set, without the lock; may be NULL */
  void (*field_set) (GstElement * element, guint prop_id);
  /* what both elements hold, made by gst_ring_element_init() and
   * released by the shared finalize() */
  gsize clock_offset;           /* of its GstRingClock */
  gsize caps_offset;            /* of its GstCaps * */
  gsize events_offset;          /* of its GQueue of GstEvent */
  gsize cancellable_offset;     /* of its GCancellable *, which unlock()
                                 * cancels */
} GstRingElementInfo;

/* The info of an element of @type whose members are named as both
 * elements' are (settings, ring, clock, caps, cancellable), with its
 * queue of events @events, its GstRingField table @field_table (N_PROPERTIES
 * long) and its @field_set (or NULL). */
#define GST_RING_ELEMENT_INFO(type, events, field_table, field_set_func) \
  { \
    .settings_offset = G_STRUCT_OFFSET (type, settings), \
    .ring_offset = G_STRUCT_OFFSET (type, ring), \
    .fields = (field_table), \
    .n_fields = N_PROPERTIES, \
    .field_set = (field_set_func), \
    .clock_offset = G_STRUCT_OFFSET (type, clock), \
    .caps_offset = G_STRUCT_OFFSET (type, caps), \
    .events_offset = G_STRUCT_OFFSET (type, events), \
    .cancellable_offset = G_STRUCT_OFFSET (type, cancellable), \
  }

void            gst_ring_element_class_init (GstElementClass * klass,
                                             const GstRingElementInfo * info,
                                             GParamSpec ** properties,
                                             guint n_properties);
void            gst_ring_element_init       (GstElement * element,
                                             GstRingClockSide side);
GType           gst_ring_register_enum      (GType * type,
                                             const gchar * name,
                                             const GEnumValue * values);

/* Defines @func, the GType of the enum @name with @values (registered on
 * first use). */
#define GST_RING_DEFINE_ENUM(func, name, values) \
  GType func (void) \
  { \
    static GType type = 0; \
    return gst_ring_register_enum (&type, name, values); \
  }
void            gst_ring_settings_specs     (GParamSpec ** properties,
                                             const gchar * name_blurb,
                                             const gchar * ring_blurb,
                                             const gchar * flags_blurb);

RbRing         *gst_ring_settings_start     (GstRingSettings * s);
gboolean        gst_ring_settings_check_ready (GstRingSettings * s,
                                             GstElement * element);
gboolean        gst_ring_settings_check_name (const GstRingSettings * s,
                                             GstElement * element);
void            gst_ring_settings_stop      (GstRingSettings * s);

RbRing         *gst_ring_element_ref_ring   (GstElement * element,
                                             RbRing * const * ring);
RbRing         *gst_ring_element_ref_own_ring (GstElement * element);

void            gst_ring_post_error         (GstElement * element,
                                             const GError * error,
                                             const gchar * file,
                                             const gchar * function,
                                             gint line);
#define GST_RING_POST_ERROR(el, err) \
  gst_ring_post_error (GST_ELEMENT (el), (err), __FILE__, GST_FUNCTION, \
      __LINE__)

G_END_DECLS
