# xskfwd: one non-recursive Makefile. Everything it builds goes to $(BUILD).
#   make            build/xskfwd (BPF classifier embedded as a skeleton)
#   make test       install missing dependencies, build, unit + integration tests
#   make unit       unit tests only (no root)
#   make demo       the forwarder on the veth test rig for a few seconds
#   make format     clang-format the C sources in place
#   make clean
# Variables: V=1 (echo commands), SAN=address|thread|undefined, CC, CLANG, BPFTOOL.

# A sanitizer build gets its own folder (objects never mix), unless BUILD is
# given on the command line.
ifneq ($(SAN),)
ifneq ($(origin BUILD),command line)
BUILD   := build/san-$(SAN)
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
CFLAGS   ?= -O2 -g
XF_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -MMD -MP \
	     -I$(BUILD) -Ibpf -Iringlib -Iuser $(CFLAGS)
XF_LDLIBS := -lxdp -lbpf -lelf -lz -lpthread
ifneq ($(SAN),)
XF_CFLAGS += -fsanitize=$(SAN) -fno-omit-frame-pointer
XF_LDFLAGS += -fsanitize=$(SAN)
endif
BPF_CFLAGS := -g -O2 -target bpf -Wall -Werror -I$(ARCH_INC) -Ibpf

RINGLIB_SRC := $(wildcard ringlib/*.c)
USER_SRC    := $(wildcard user/*.c)
UNIT_SRC    := $(wildcard tests/unit/test_*.c)
RINGLIB_OBJ := $(RINGLIB_SRC:%.c=$(BUILD)/%.o)
USER_OBJ    := $(USER_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Pure-logic objects the unit tests link against (no libbpf/libxdp calls).
UNIT_DEPS   := $(BUILD)/user/args.o $(BUILD)/user/rules.o $(BUILD)/ringlib/rl_pool.o \
	       $(BUILD)/user/gen_parse.o $(BUILD)/user/lat_hist.o $(BUILD)/user/seq_track.o
SKEL        := $(BUILD)/xskfwd.skel.h

.DELETE_ON_ERROR:
.PHONY: all test unit integration demo format clean deps

all: $(BUILD)/xskfwd $(BUILD)/frametool $(BUILD)/payload_send $(BUILD)/tests/xdp_pass.bpf.o

$(BUILD)/xskfwd.bpf.o: bpf/xskfwd.bpf.c bpf/xskfwd_shared.h
	$(call msg,CLANG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/tests/xdp_pass.bpf.o: tests/integration/xdp_pass.bpf.c
	$(call msg,CLANG,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(SKEL): $(BUILD)/xskfwd.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name xskfwd_bpf > $@ 2>/dev/null

$(BUILD)/%.o: %.c | $(SKEL)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(XF_CFLAGS) -c $< -o $@

$(BUILD)/libringlib.a: $(RINGLIB_OBJ)
	$(call msg,AR,$@)
	$(Q)ar rcs $@ $^

$(BUILD)/xskfwd: $(USER_OBJ) $(BUILD)/libringlib.a
	$(call msg,LD,$@)
	$(Q)$(CC) $(XF_LDFLAGS) -o $@ $^ $(XF_LDLIBS)

$(BUILD)/frametool: tests/tools/frametool.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -o $@ $<

$(BUILD)/payload_send: tests/tools/payload_send.c bpf/xskfwd_gen_shared.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -Ibpf -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(UNIT_DEPS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(XF_CFLAGS) $(XF_LDFLAGS) -o $@ $< $(UNIT_DEPS) -lcmocka -lpthread

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

format:
	$(Q)clang-format -i $(shell git ls-files '*.c' '*.h')

clean:
	$(Q)rm -rf $(BUILD)

-include $(shell find $(BUILD) -path '$(BUILD)/san-*' -prune -o -name '*.d' -print 2>/dev/null)
