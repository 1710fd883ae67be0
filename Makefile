# xskfwd: one non-recursive Makefile. Everything it builds goes to $(BUILD).
#   make            build/xskfwd (BPF classifier and generator embedded as skeletons),
#                   the test tools, and the man pages when scdoc is installed
#   make man        the man pages, build/man/*.8 (scdoc; see docs/man/)
#   make install    the binary, the man pages, the example config and the systemd
#                   unit under DESTDIR/PREFIX (see below)
#   make uninstall  remove what make install installed
#   make test       install missing dependencies, build, unit + integration tests
#   make unit       unit tests only (no root)
#   make demo       the forwarder on the veth test rig for a few seconds
#   make bench      xskfwd against the kernel's paths (build/bench/; ~27 min)
#   make fuzz       each libFuzzer target for FUZZ_SECONDS (default 60) s, FUZZ_JOBS (default:
#                   the CPUs) at once
#   make format     clang-format the C sources in place
#   make clean
# Variables: V=1 (echo commands), SAN=address|thread|undefined|address,undefined,
# CC, CLANG, BPFTOOL. SAN builds xskfwd, the test tools and the unit tests with
# those sanitizers into build/san-<SAN with ',' as '+'>; undefined behaviour is
# fatal there (-fno-sanitize-recover=undefined). tests/integration runs them
# with XF_BIN=build/san-... (scripts/test.sh does, with CI=true or --san).
# PREFIX (default /usr/local) and DESTDIR: where make install puts
# PREFIX/sbin/xskfwd, PREFIX/share/man/man8/*.8, the example config in
# PREFIX/share/doc/xskfwd/examples and the systemd unit xskfwd@.service in
# PREFIX/lib/systemd/system (SBINDIR, MANDIR, EXAMPLESDIR, UNITDIR override;
# CONFDIR, default /etc/xskfwd, is where the unit reads NAME.conf).
# CLANG compiles the BPF objects; another compiler gets its own folder, e.g.
#   make CLANG=clang-19 BUILD=build/clang19

# A sanitizer build gets its own folder (objects never mix), unless BUILD is
# given on the command line.
comma   := ,
ifneq ($(SAN),)
ifneq ($(origin BUILD),command line)
BUILD   := build/san-$(subst $(comma),+,$(SAN))
endif
endif
BUILD   ?= build
CC      ?= gcc
CLANG   ?= clang
BPFTOOL ?= bpftool
SAN     ?=
V       ?= 0

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' $(1) $(2);
endif

ARCH_INC := /usr/include/$(shell $(CC) -dumpmachine)
# The version, and the commit when built from a git checkout (in the start record).
XF_VERSION := 0.2
XF_COMMIT  := $(shell git describe --always --dirty --abbrev=12 2>/dev/null)
# $(BUILD)/version.h is rewritten only when its text changes, so only what
# includes it (core/run.c) is rebuilt after a commit.
XF_VERSION_TEXT := \#define XF_VERSION "$(XF_VERSION)"\n\#define XF_COMMIT "$(XF_COMMIT)"
$(shell mkdir -p $(BUILD) && printf '$(XF_VERSION_TEXT)\n' | cmp -s - $(BUILD)/version.h || \
	printf '$(XF_VERSION_TEXT)\n' >$(BUILD)/version.h)
CFLAGS   ?= -O2 -g
XF_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -MMD -MP \
	     -I$(BUILD) -Ibpf -Iringlib -Iuser/core -Iuser/net $(CFLAGS)
XF_LDLIBS := -lxdp -lbpf -lelf -lz -ljansson -lmnl -lyaml -lmicrohttpd -lsystemd -lm -lpthread
# The test tools (frametool, gencheck, payload_send, reply_send, tftp_hostile, tftpbench,
# udpcheck) get the sanitizers too.
TOOL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror
ifneq ($(SAN),)
SAN_FLAGS := -fsanitize=$(SAN) -fno-omit-frame-pointer
ifneq ($(filter undefined,$(subst $(comma), ,$(SAN))),)
SAN_FLAGS += -fno-sanitize-recover=undefined
endif
XF_CFLAGS += $(SAN_FLAGS)
XF_LDFLAGS += $(SAN_FLAGS)
TOOL_CFLAGS += $(SAN_FLAGS)
endif
BPF_CFLAGS := -g -O2 -target bpf -Wall -Werror -I$(ARCH_INC) -Ibpf

RINGLIB_SRC := $(wildcard ringlib/*.c)
USER_SRC    := $(wildcard user/*.c user/*/*.c)
UNIT_SRC    := $(wildcard tests/unit/*/test_*.c)
RINGLIB_OBJ := $(RINGLIB_SRC:%.c=$(BUILD)/%.o)
USER_OBJ    := $(USER_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Pure-logic objects the unit tests link against (no libbpf/libxdp calls;
# rl_idle.o and rl_chain.o use only system calls and libxdp's inline ring helpers,
# rl_netdev.o libmnl).
UNIT_DEPS   := $(addprefix $(BUILD)/,ringlib/rl_pool.o ringlib/rl_idle.o ringlib/rl_chain.o \
	       ringlib/rl_netdev.o user/core/args.o \
	       user/core/rules.o user/core/opt.o user/core/conf.o user/core/out.o user/core/shared_opts.o \
	       user/core/log.o user/net/gen_payload.o user/net/pkt_walk.o user/net/hdr_tmpl.o \
	       user/gen/gen_frame.o user/gen/gen_umem.o user/sink/lat_hist.o \
	       user/sink/sink_rx.o user/forward/fwd_route.o \
	       user/sink/seq_track.o user/serve/serve_files.o user/serve/serve_frame.o \
	       user/serve/tftp.o user/serve/tftp_session.o user/serve/serve_sessions.o)
# The classifier under BPF_PROG_TEST_RUN (root): the skeleton plus the real
# --match parser. Run by tests/integration/test_classifier.sh.
BPF_TEST    := $(BUILD)/tests/test_classifier
BPF_TEST_DEPS := $(BUILD)/user/core/rules.o $(BUILD)/user/core/args.o
# Its route flavour against a real FIB, inside a namespace the same shell
# test builds.
BPF_ROUTE_TEST := $(BUILD)/tests/test_route_classifier
SKEL        := $(BUILD)/xskfwd.skel.h
GEN_SKEL    := $(BUILD)/xskfwd_gen.skel.h
# libFuzzer targets, one per parser: tests/fuzz/fuzz_NAME.c, linked with the
# sources listed in FUZZ_SRC_fuzz_NAME, seeds in tests/fuzz/corpus/fuzz_NAME/
# (and tests/fuzz/fuzz_NAME.dict if there is one). A new parser gets a new
# file and a FUZZ_SRC_ line (and FUZZ_LIBS_ for libraries), nothing else. Built with clang (FUZZ_CC) and
# ASan + UBSan, every report fatal; tests/fuzz/run.sh runs them.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -Wall -Wextra -Werror -D_GNU_SOURCE -Ibpf -Iringlib $(addprefix -I,$(wildcard user/*/)) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer
FUZZ_SRC_fuzz_rules := user/core/rules.c user/core/args.c
FUZZ_SRC_fuzz_args  := user/core/args.c
FUZZ_SRC_fuzz_gen_parse := user/net/gen_payload.c user/net/pkt_walk.c
FUZZ_SRC_fuzz_pkt_walk := user/net/pkt_walk.c
FUZZ_SRC_fuzz_serve_frame := user/serve/serve_frame.c user/net/pkt_walk.c user/net/hdr_tmpl.c
FUZZ_SRC_fuzz_tftp := user/serve/tftp.c user/serve/tftp_session.c
FUZZ_SRC_fuzz_conf := user/core/conf.c user/core/opt.c user/core/shared_opts.c user/core/args.c \
		      user/core/rules.c user/core/out.c user/core/log.c user/serve/serve_opts.c
# Libraries a target needs besides libc (FUZZ_LIBS_fuzz_NAME).
FUZZ_LIBS_fuzz_conf := -lyaml -ljansson
FUZZ_BIN     := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
# Man pages: docs/man/NAME.8.scd is the hand-written part of NAME(8); the
# @GENERATED@ line in it is replaced by what the built program prints from
# its own tables (`xskfwd MODE --help-scdoc` for xskfwd-MODE(8): NAME,
# SYNOPSIS, DESCRIPTION, OPTIONS, EXIT STATUS; `xskfwd --help-scdoc` for
# xskfwd(8): COMMANDS), so no option is described twice.
SCDOC      ?= scdoc
MAN_PAGES  := $(patsubst docs/man/%.scd,$(BUILD)/man/%,$(wildcard docs/man/*.scd))
HAVE_SCDOC := $(shell command -v $(SCDOC) 2>/dev/null)
# xskfwd-MODE.8 -> MODE; xskfwd.8 -> nothing
man_mode    = $(patsubst xskfwd-%.8,%,$(filter xskfwd-%,$(1)))
# Install: sbin, as iproute2 (/sbin/ip), bpftool and xdp-tools
# ($(PREFIX)/sbin/xdp-loader) do: an administrator's tool that needs root or
# CAP_NET_ADMIN and friends, documented in section 8.
PREFIX  ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR  ?= $(PREFIX)/share/man
EXAMPLESDIR ?= $(PREFIX)/share/doc/xskfwd/examples
# systemd looks in /usr/local/lib/systemd/system and /usr/lib/systemd/system
# (= /lib/systemd/system, Debian's systemdsystemunitdir, on a merged /usr).
UNITDIR ?= $(PREFIX)/lib/systemd/system
CONFDIR ?= /etc/xskfwd
# Programs the rig and benchmarks attach to veth ends (not part of xskfwd).
RIG_BPF     := $(patsubst bpf/rig/%.c,$(BUILD)/rig/%.o,$(wildcard bpf/rig/*.bpf.c))

.DELETE_ON_ERROR:
.PHONY: all test unit integration demo bench format clean deps fuzz man install uninstall

all: $(BUILD)/xskfwd $(BUILD)/frametool $(BUILD)/gencheck $(BUILD)/payload_send \
	$(BUILD)/reply_send $(BUILD)/tftp_hostile $(BUILD)/tftpbench $(BUILD)/udpcheck $(RIG_BPF) \
	$(BPF_TEST) $(BPF_ROUTE_TEST) $(if $(HAVE_SCDOC),$(MAN_PAGES))

$(BUILD)/xskfwd.bpf.o: bpf/xskfwd.bpf.c bpf/xskfwd_shared.h
	$(call msg,CLANG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/xskfwd_gen.bpf.o: bpf/xskfwd_gen.bpf.c bpf/xskfwd_gen_shared.h
	$(call msg,CLANG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/rig/%.bpf.o: bpf/rig/%.bpf.c
	$(call msg,CLANG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(SKEL): $(BUILD)/xskfwd.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name xskfwd_bpf > $@ 2>/dev/null

$(GEN_SKEL): $(BUILD)/xskfwd_gen.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name xskfwd_gen_bpf > $@ 2>/dev/null

$(BUILD)/%.o: %.c | $(SKEL) $(GEN_SKEL)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(XF_CFLAGS) -c $< -o $@

$(BUILD)/libringlib.a: $(RINGLIB_OBJ)
	$(call msg,AR,$@)
	$(Q)ar rcs $@ $^

$(BUILD)/xskfwd: $(USER_OBJ) $(BUILD)/libringlib.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(XF_LDFLAGS) -o $@ $^ $(XF_LDLIBS)

man: $(MAN_PAGES)

$(BUILD)/man/%: docs/man/%.scd $(BUILD)/xskfwd
	$(call msg,SCDOC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BUILD)/xskfwd $(call man_mode,$*) --help-scdoc >$@.gen
	$(Q)sed -e 's/@VERSION@/$(XF_VERSION)/' -e '/^@GENERATED@$$/{r $@.gen' -e 'd}' $< >$@.scd
	$(Q)$(SCDOC) <$@.scd >$@
	$(Q)rm -f $@.gen

# The example config goes where Debian keeps examples. The unit names the
# installed binary and CONFDIR, so it is written at install time.
EXAMPLES := docs/examples/forward.conf
UNIT     := xskfwd@.service
install: $(BUILD)/xskfwd $(MAN_PAGES)
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(EXAMPLESDIR) \
		$(DESTDIR)$(UNITDIR)
	$(Q)install -m 0755 $(BUILD)/xskfwd $(DESTDIR)$(SBINDIR)/xskfwd
	$(Q)install -m 0644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man8/
	$(Q)install -m 0644 $(EXAMPLES) $(DESTDIR)$(EXAMPLESDIR)/
	$(Q)sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@CONFDIR@|$(CONFDIR)|g' systemd/$(UNIT).in \
		>$(DESTDIR)$(UNITDIR)/$(UNIT)
	$(Q)chmod 0644 $(DESTDIR)$(UNITDIR)/$(UNIT)

uninstall:
	$(Q)rm -f $(DESTDIR)$(SBINDIR)/xskfwd $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(MAN_PAGES)))
	$(Q)rm -f $(addprefix $(DESTDIR)$(EXAMPLESDIR)/,$(notdir $(EXAMPLES)))
	$(Q)rm -f $(DESTDIR)$(UNITDIR)/$(UNIT)

$(BUILD)/frametool: tests/tools/frametool.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TOOL_CFLAGS) -o $@ $<

$(BUILD)/gencheck: tests/tools/gencheck.c bpf/xskfwd_gen_shared.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TOOL_CFLAGS) -Ibpf -o $@ $<

$(BUILD)/payload_send: tests/tools/payload_send.c bpf/xskfwd_gen_shared.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TOOL_CFLAGS) -Ibpf -o $@ $<

REPLY_SEND_SRC := user/serve/serve_frame.c user/net/pkt_walk.c user/net/hdr_tmpl.c
$(BUILD)/reply_send: tests/tools/reply_send.c $(REPLY_SEND_SRC) user/serve/serve_frame.h \
		     $(wildcard user/net/*.h)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TOOL_CFLAGS) -Iuser/serve -Iuser/net -o $@ $< $(REPLY_SEND_SRC)

$(BUILD)/tftp_hostile: tests/tools/tftp_hostile.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TOOL_CFLAGS) -o $@ $<

$(BUILD)/tftpbench: tests/tools/tftpbench.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TOOL_CFLAGS) -o $@ $<

$(BUILD)/udpcheck: tests/tools/udpcheck.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(TOOL_CFLAGS) -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(UNIT_DEPS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(XF_CFLAGS) -Iuser/$(*D) $(XF_LDFLAGS) -o $@ $< $(UNIT_DEPS) -lcmocka -ljansson -lmnl -lyaml -lm -lpthread

$(BPF_TEST) $(BPF_ROUTE_TEST): $(BUILD)/tests/%: tests/bpf/%.c tests/bpf/prog_harness.h $(SKEL) $(BPF_TEST_DEPS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(XF_CFLAGS) $(XF_LDFLAGS) -o $@ $< $(BPF_TEST_DEPS) -lcmocka -lbpf -lelf -lz

# One rule per fuzz target: its own sources are known only by name.
define fuzz_rule
$(BUILD)/fuzz/$(1): tests/fuzz/$(1).c $$(FUZZ_SRC_$(1)) $$(wildcard user/*/*.h bpf/*.h)
	$$(call msg,FUZZCC,$$@)
	$$(Q)mkdir -p $$(@D)
	$$(Q)$$(FUZZ_CC) $$(FUZZ_CFLAGS) -o $$@ $$< $$(FUZZ_SRC_$(1)) $$(FUZZ_LIBS_$(1))
endef
$(foreach b,$(FUZZ_BIN),$(eval $(call fuzz_rule,$(notdir $(b)))))

fuzz: $(FUZZ_BIN)
	$(Q)bash tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

deps:
	$(Q)bash scripts/deps.sh

unit: $(UNIT_BIN)
	$(Q)bash tests/unit/run.sh $(UNIT_BIN)

integration: all
	$(Q)bash tests/integration/run.sh

test:
	$(Q)bash scripts/test.sh

demo:
	$(Q)bash scripts/demo.sh

bench:
	$(Q)bash scripts/bench.sh

format:
	$(Q)clang-format -i $(shell git ls-files '*.c' '*.h')

clean:
	$(Q)rm -rf $(BUILD)

-include $(shell find $(BUILD) -path '$(BUILD)/san-*' -prune -o -name '*.d' -print 2>/dev/null)
