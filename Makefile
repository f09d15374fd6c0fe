# virtc: build, tests, install.
#
#   make            build libvirtc.a and tools/virtc
#   make demo       install missing dependencies, build, run the bundled example
#   make check      install missing dependencies, build, run every test
#   make conformance  compare against ../shared/corpus (when present)
#   make bench      throughput and latency table next to its references
#   make install PREFIX=/usr/local DESTDIR=

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
LIBDIR   ?= $(PREFIX)/lib
INCDIR   ?= $(PREFIX)/include
DATADIR  ?= $(PREFIX)/share
MANDIR   ?= $(DATADIR)/man
DESTDIR  ?=
VERSION  := 0.1.0

CC       ?= cc
PKGS     := libxml-2.0 libxslt libcap-ng json-c libselinux libapparmor
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libxslt, libselinux and libapparmor are opened when first needed
# (translators/dynlib.h), not linked: the loader would map and relocate
# them at every start of every command.
LINK_PKGS  := libxml-2.0 libcap-ng json-c
PKG_LIBS   := $(shell pkg-config --libs $(LINK_PKGS) 2>/dev/null)
# CFLAGS is the user's (optimisation, sanitizers: `make CFLAGS='-O1 -g
# -fsanitize=address'`); what the build needs is added with override so a
# CFLAGS on the command line cannot drop it. WERROR= turns warnings back
# into warnings (e.g. for a compiler newer than the code).
CFLAGS   ?= -O2 -g
WERROR   ?= -Werror
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra $(WERROR) -pthread $(PKG_CFLAGS) \
            -Ibuild/grammar -DVIRTC_VERSION='"$(VERSION)"' \
            -DVIRTC_DATADIR='"$(DATADIR)/virtc"'
override LDLIBS += $(PKG_LIBS) -pthread
FLEX     ?= flex
BISON    ?= bison

B := build

# `make V=1` shows the commands; by default one short line per step.
V ?= 0
ifeq ($(V),0)
Q = @
say = printf '  %-6s %s\n' $(1) $(2);
else
Q =
say =
endif

GRAMMAR_Y := $(wildcard grammar/*.y)
GRAMMAR_L := $(wildcard grammar/*.l)
GRAMMAR_C := $(GRAMMAR_Y:grammar/%.y=$(B)/grammar/%.tab.c) $(GRAMMAR_L:grammar/%.l=$(B)/grammar/%.lex.c)
GRAMMAR_H := $(GRAMMAR_Y:grammar/%.y=$(B)/grammar/%.tab.h) $(GRAMMAR_L:grammar/%.l=$(B)/grammar/%.lex.h)

LIB_SRCS := $(wildcard translators/*.c translators/*/*.c runtime/*.c runtime/*/*.c)
# Generated at build time from schemas/*.rng: the domain schema flattened
# for `virtc start` (tools/gen/schema_flatten.c, translators/schema_flat.c).
GEN_C    := $(B)/gen/schema_flat_domain.c
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o) $(GRAMMAR_C:%.c=%.o) $(GEN_C:%.c=%.o)
TOOL_SRCS := $(wildcard tools/*.c)
TOOL_OBJS := $(TOOL_SRCS:%.c=$(B)/%.o)
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)
HELPER_SRCS := $(wildcard tests/helpers/*.c)
HELPER_BINS := $(HELPER_SRCS:tests/helpers/%.c=$(B)/tests/%)

# The library's interface: the translators and the QEMU back end's
# capabilities and emitter (the runtime's headers are internal for now).
PUBLIC_HEADERS := $(filter-out %_priv.h,$(wildcard translators/*.h))
PUBLIC_QEMU_HEADERS := translators/qemu/caps.h translators/qemu/argv.h

LIB  := $(B)/libvirtc.a
VIRTC := tools/virtc

.PHONY: all deps demo check conformance bench install clean fuzz
.DELETE_ON_ERROR:

all: $(VIRTC)

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(Q)$(call say,AR,$@)$(AR) rcs $@ $^

$(VIRTC): $(TOOL_OBJS) $(LIB)
	$(Q)$(call say,CC,$@)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(TOOL_OBJS) $(LIB) $(LDLIBS)

$(B)/%.o: %.c | $(GRAMMAR_H)
	@mkdir -p $(dir $@)
	$(Q)$(call say,CC,$@)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# Grammar: reentrant bison + flex, one prefix per grammar (see grammar/).
$(B)/grammar/%.tab.c $(B)/grammar/%.tab.h: grammar/%.y
	@mkdir -p $(dir $@)
	$(Q)$(call say,BISON,$<)$(BISON) -Wall -Werror --defines=$(B)/grammar/$*.tab.h -o $(B)/grammar/$*.tab.c $<

$(B)/grammar/%.lex.c $(B)/grammar/%.lex.h: grammar/%.l
	@mkdir -p $(dir $@)
	$(Q)$(call say,FLEX,$<)$(FLEX) --header-file=$(B)/grammar/$*.lex.h -o $(B)/grammar/$*.lex.c $<

# Generated C is not ours to lint; keep the warnings on but not fatal for
# flex's unused helpers.
$(B)/grammar/%.o: $(B)/grammar/%.c | $(GRAMMAR_H)
	$(Q)$(call say,CC,$@)$(CC) $(CFLAGS) -Wno-unused-function -Wno-sign-compare -Igrammar -Itranslators -MMD -MP -c -o $@ $<

$(B)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(call say,CC,$@)$(CC) $(CFLAGS) -Itranslators -MMD -MP -o $@ $< $(LIB) $(LDLIBS)

# these tests ask libselinux and libapparmor themselves
SEC_LIBS := $(shell pkg-config --libs libselinux libapparmor 2>/dev/null)
$(B)/tests/test_security_selinux $(B)/tests/test_security_apparmor: override LDLIBS += $(SEC_LIBS)

$(B)/tests/%: tests/helpers/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(Q)$(call say,CC,$@)$(CC) $(CFLAGS) -Itranslators -MMD -MP -o $@ $< $(LIB) $(LDLIBS)

# The flattener is built from the scanner's objects alone (not from the
# library, which holds what it generates); any schema edit runs it again.
FLATTEN     := $(B)/gen/schema-flatten
FLATTEN_OBJS := $(addprefix $(B)/translators/,schema_prune.o paths.o util.o xmldoc.o error.o)

$(FLATTEN): tools/gen/schema_flatten.c $(FLATTEN_OBJS)
	@mkdir -p $(dir $@)
	$(Q)$(call say,CC,$@)$(CC) $(CFLAGS) -Itranslators -MMD -MP -o $@ $< $(FLATTEN_OBJS) $(LDLIBS)

$(B)/gen/schema_flat_domain.c: $(FLATTEN) $(wildcard schemas/*.rng)
	$(Q)$(call say,GEN,$@)$(FLATTEN) schemas domain.rng vc_schema_flat_domain > $@

$(B)/gen/%.o: $(B)/gen/%.c
	$(Q)$(call say,CC,$@)$(CC) $(CFLAGS) -Itranslators -MMD -MP -c -o $@ $<

# The data directory is compiled into paths.o; rebuild it when PREFIX or
# DATADIR changes (e.g. `make install PREFIX=...` after a plain `make`).
$(B)/datadir.stamp: FORCE
	@mkdir -p $(B)
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' > $@
$(B)/translators/paths.o: $(B)/datadir.stamp
.PHONY: FORCE
FORCE:

deps:
	@sh tools/install-deps.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@echo "== virtc validate examples/demo.xml"
	@./$(VIRTC) validate examples/demo.xml
	@echo "== virtc domxml-to-native qemu-argv --caps legacy examples/demo.xml   (QEMU 0.x, the seed's era)"
	@./$(VIRTC) domxml-to-native qemu-argv --caps legacy examples/demo.xml
	@echo "== virtc domxml-to-native qemu-argv --caps qemu-7.2 examples/demo.xml   (Debian 12's QEMU)"
	@./$(VIRTC) domxml-to-native qemu-argv --caps qemu-7.2 examples/demo.xml

check: deps
	@$(MAKE) --no-print-directory all $(UNIT_BINS) $(HELPER_BINS)
	@sh tests/run-tests.sh

conformance: all $(HELPER_BINS)
	@sh tests/conformance.sh

bench: all $(HELPER_BINS)
	@sh tests/bench.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCDIR)/virtc \
	    $(DESTDIR)$(DATADIR)/virtc/schemas $(DESTDIR)$(DATADIR)/virtc/qemu-profiles \
	    $(DESTDIR)$(DATADIR)/virtc/xsl $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(VIRTC) $(DESTDIR)$(BINDIR)/virtc
	install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libvirtc.a
	install -m 644 $(PUBLIC_HEADERS) $(DESTDIR)$(INCDIR)/virtc/
	install -d $(DESTDIR)$(INCDIR)/virtc/qemu
	install -m 644 $(PUBLIC_QEMU_HEADERS) $(DESTDIR)$(INCDIR)/virtc/qemu/
	install -m 644 schemas/*.rng $(DESTDIR)$(DATADIR)/virtc/schemas/
	if ls translators/qemu/profiles/*.xml >/dev/null 2>&1; then \
	    install -m 644 translators/qemu/profiles/*.xml $(DESTDIR)$(DATADIR)/virtc/qemu-profiles/; fi
	install -d $(DESTDIR)$(DATADIR)/virtc/qemu-profiles/firmware && install -m 644 translators/qemu/profiles/firmware/*.json $(DESTDIR)$(DATADIR)/virtc/qemu-profiles/firmware/
	if ls tools/*.xsl >/dev/null 2>&1; then \
	    install -m 644 tools/*.xsl $(DESTDIR)$(DATADIR)/virtc/xsl/; fi
	install -m 644 tools/virtc.1 $(DESTDIR)$(MANDIR)/man1/virtc.1
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))|' \
	    -e 's|@INCDIR@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCDIR))|' \
	    -e 's|@VERSION@|$(VERSION)|' tools/virtc.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/virtc.pc

clean:
	rm -rf $(B) $(VIRTC)

# Fuzzing (opt-in, not part of check; tests/fuzz/README.md): one libFuzzer
# harness per parser, built with clang into $(B)/fuzz/. The library is
# compiled again with the sanitizers (libvirtc.a has none), into its own
# objects under $(B)/fuzz/obj/ and an archive of them linked into every
# harness.
FUZZ_CC     ?= clang
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
               -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -pthread $(PKG_CFLAGS) \
               -I. -Itranslators -Ibuild/grammar -DVIRTC_VERSION='"$(VERSION)"' \
               -DVIRTC_DATADIR='"$(DATADIR)/virtc"' $(FUZZ_SAN)
FUZZ_SRCS   := $(wildcard tests/fuzz/*.c)
FUZZ_BINS   := $(FUZZ_SRCS:tests/fuzz/%.c=$(B)/fuzz/%)
FUZZ_OBJS   := $(LIB_SRCS:%.c=$(B)/fuzz/obj/%.o) $(GRAMMAR_C:$(B)/%.c=$(B)/fuzz/obj/%.o) \
               $(GEN_C:$(B)/%.c=$(B)/fuzz/obj/%.o)
FUZZ_LIB    := $(B)/fuzz/libvirtc-fuzz.a

fuzz: $(FUZZ_BINS)

$(FUZZ_LIB): $(FUZZ_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/fuzz/obj/%.o: %.c | $(GRAMMAR_H)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(B)/fuzz/obj/grammar/%.o: $(B)/grammar/%.c | $(GRAMMAR_H)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -Wno-unused-function \
	    -Wno-sign-compare -Igrammar -MMD -MP -c -o $@ $<

$(B)/fuzz/obj/gen/%.o: $(B)/gen/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(B)/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -o $@ $< $(FUZZ_LIB) $(LDLIBS)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
