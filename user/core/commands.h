/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The modes of the xskfwd program, each declared by its own folder
 * (user/<mode>/) and run by the one lifecycle (run.h).
 */
#ifndef XF_COMMANDS_H
#define XF_COMMANDS_H

#include "run.h"

extern const struct xf_mode xf_forward_mode;
extern const struct xf_mode xf_route_mode;
extern const struct xf_mode xf_gen_mode;
extern const struct xf_mode xf_sink_mode;
extern const struct xf_mode xf_serve_mode;
extern const struct xf_mode xf_status_mode;
extern const struct xf_mode xf_unload_mode;

#endif
