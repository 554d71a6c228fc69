# Installs libclerk for C and C++ programs: headers, shared and static libraries, a
# pkg-config file and a CMake package. The top-level Makefile runs it after a release
# build (make install PREFIX=...); it also works alone:
#
#   make -f install.mk install PREFIX=/opt/clerk          # after cargo build --release
#   make -f install.mk install PREFIX=/usr DESTDIR=stage  # staged, for a package
#   make -f install.mk uninstall PREFIX=/opt/clerk        # removes exactly those files
#
# PREFIX      where the files go (default /usr/local); written into clerk.pc
# DESTDIR     prepended to every path written, never to the paths written into files
# libdir      default PREFIX/lib (GNU name; set it for lib64 or multiarch layouts)
# includedir  default PREFIX/include
# LIB_DIR     where cargo put the built libraries (default target/release)

# Paths below are relative to this file, so it runs from any directory.
ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))

PREFIX ?= /usr/local
DESTDIR ?=
libdir ?= $(PREFIX)/lib
includedir ?= $(PREFIX)/include
LIB_DIR ?= $(ROOT)/target/release
INSTALL ?= install

# Cargo.toml's [package] version is the only place the version is written; build.rs
# derives the header's CLERK_VERSION macros and the soname from the same number.
VERSION := $(shell awk -F'"' '/^\[/ { pkg = ($$0 == "[package]") } \
	pkg && /^version *=/ { print $$2; exit }' '$(ROOT)/Cargo.toml')
VERSION_PARTS := $(subst ., ,$(VERSION))
MAJOR := $(word 1,$(VERSION_PARTS))
MINOR := $(word 2,$(VERSION_PARTS))

# build.rs's soname rule: before 1.0 a minor release may break the ABI, so it is part of
# the soname. Computed rather than read from the library, so uninstall needs no build.
SONAME := $(if $(filter 0,$(MAJOR)),libclerk.so.0.$(MINOR),libclerk.so.$(MAJOR))
REAL_SO := libclerk.so.$(VERSION)

# What the Rust runtime inside libclerk.a needs from the system when linked statically
# (rustc --print native-static-libs); one list for clerk.pc and for the CMake target.
STATIC_LIBS := gcc_s util rt pthread m dl c
EMPTY :=
SPACE := $(EMPTY) $(EMPTY)

ifeq ($(VERSION),)
$(error install.mk: no [package] version found in $(ROOT)/Cargo.toml)
endif
ifneq ($(filter-out /%,$(PREFIX) $(libdir) $(includedir)),)
$(error install.mk: PREFIX, libdir and includedir must be absolute paths)
endif

D_INC := $(DESTDIR)$(includedir)
D_LIB := $(DESTDIR)$(libdir)
D_PC := $(D_LIB)/pkgconfig
D_CMAKE := $(D_LIB)/cmake/clerk

# clerk.pc names its directories through ${prefix} when it can, so that tools which
# relocate pkg-config files (pkgconf --define-prefix) can move them.
PC_LIBDIR := $(patsubst $(PREFIX)/%,$${prefix}/%,$(libdir))
PC_INCLUDEDIR := $(patsubst $(PREFIX)/%,$${prefix}/%,$(includedir))
# The CMake package finds the headers from its own location, through this relative path.
INCLUDE_FROM_LIB = $(shell realpath -m -s --relative-to='$(libdir)' '$(includedir)')
# 8 for a 64-bit library, 4 for a 32-bit one: CMake refuses a mismatched build with it.
POINTER_SIZE = $(if $(shell readelf -h '$(LIB_DIR)/libclerk.so' | grep 'Class: *ELF64'),8,4)

# Fills the templates' @NAME@ placeholders.
RENDER = sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@MAJOR@|$(MAJOR)|g' \
	-e 's|@MINOR@|$(MINOR)|g' -e 's|@SONAME@|$(SONAME)|g' -e 's|@REAL_SO@|$(REAL_SO)|g' \
	-e 's|@PREFIX@|$(PREFIX)|g' -e 's|@PC_LIBDIR@|$(PC_LIBDIR)|g' \
	-e 's|@PC_INCLUDEDIR@|$(PC_INCLUDEDIR)|g' -e 's|@INCLUDE_FROM_LIB@|$(INCLUDE_FROM_LIB)|g' \
	-e 's|@STATIC_LIBS_FLAGS@|$(addprefix -l,$(STATIC_LIBS))|g' \
	-e 's|@STATIC_LIBS_LIST@|$(subst $(SPACE),;,$(STATIC_LIBS))|g' \
	-e 's|@POINTER_SIZE@|$(POINTER_SIZE)|g'

.PHONY: install uninstall check-built
install: check-built
	$(INSTALL) -d '$(D_INC)' '$(D_LIB)' '$(D_PC)' '$(D_CMAKE)'
	$(INSTALL) -m 644 '$(ROOT)/include/clerk.h' '$(ROOT)/include/clerk.hpp' '$(D_INC)/'
	$(INSTALL) -m 644 '$(LIB_DIR)/libclerk.a' '$(D_LIB)/libclerk.a'
	$(INSTALL) -m 755 '$(LIB_DIR)/libclerk.so' '$(D_LIB)/$(REAL_SO)'
	ln -sfn '$(REAL_SO)' '$(D_LIB)/$(SONAME)'
	ln -sfn '$(SONAME)' '$(D_LIB)/libclerk.so'
	@echo "fill cmake/*.in into $(D_PC) and $(D_CMAKE)"
	@$(RENDER) '$(ROOT)/cmake/clerk.pc.in' > '$(D_PC)/clerk.pc'
	@$(RENDER) '$(ROOT)/cmake/clerkConfig.cmake.in' > '$(D_CMAKE)/clerkConfig.cmake'
	@$(RENDER) '$(ROOT)/cmake/clerkConfigVersion.cmake.in' \
		> '$(D_CMAKE)/clerkConfigVersion.cmake'
	chmod 644 '$(D_PC)/clerk.pc' '$(D_CMAKE)/clerkConfig.cmake' \
		'$(D_CMAKE)/clerkConfigVersion.cmake'

# Each of these would install a package that fails later, far from the cause.
check-built:
	@for lib in libclerk.so libclerk.a; do \
		test -f '$(LIB_DIR)'/$$lib || { \
			echo "install.mk: $(LIB_DIR)/$$lib is missing: run make build" >&2; exit 1; }; \
	done
	@soname=$$(readelf -d '$(LIB_DIR)/libclerk.so' | \
		sed -n 's/.*Library soname: \[\(.*\)\]/\1/p'); \
	test "$$soname" = '$(SONAME)' || { \
		echo "install.mk: libclerk.so has soname '$$soname', expected $(SONAME)" >&2; exit 1; }
	@grep -q '^#define CLERK_VERSION "$(VERSION)"$$' '$(ROOT)/include/clerk.h' || { \
		echo "install.mk: include/clerk.h is not version $(VERSION): rebuild it" >&2; exit 1; }

# Only libclerk's own folder is removed: lib/pkgconfig and the others may hold other
# packages' files, and were perhaps there before.
uninstall:
	rm -f '$(D_INC)/clerk.h' '$(D_INC)/clerk.hpp'
	rm -f '$(D_LIB)/libclerk.a' '$(D_LIB)/$(REAL_SO)' '$(D_LIB)/$(SONAME)' \
		'$(D_LIB)/libclerk.so'
	rm -f '$(D_PC)/clerk.pc' '$(D_CMAKE)/clerkConfig.cmake' \
		'$(D_CMAKE)/clerkConfigVersion.cmake'
	if [ -d '$(D_CMAKE)' ]; then rmdir --ignore-fail-on-non-empty '$(D_CMAKE)'; fi
